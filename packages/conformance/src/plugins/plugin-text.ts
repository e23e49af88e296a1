/** A JavaScript stack frame ("    at f (file.js:1:2)") or a Node-internal location line. */
const STACK_FRAME = /^\s*at\s.+|node:internal\//;

/** Whether a line of a plugin's text is a stack frame the kit leaves out of what it prints. */
export function isStackFrame(line: string): boolean {
  return STACK_FRAME.test(line);
}

/**
 * Text a plugin produced (an error message, its stderr) without stack frames: the kit quotes what
 * went wrong, never a stack, and says how many frame lines it left out.
 */
export function withoutStackFrames(text: string): string {
  const lines = text.split('\n');
  const kept = lines.filter((l) => !isStackFrame(l));
  const dropped = lines.length - kept.length;
  return dropped === 0 ? text : `${kept.join('\n').trimEnd()} [${dropped} stack frame line(s) left out]`;
}
