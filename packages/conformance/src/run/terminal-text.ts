/**
 * How much of one piece of input text a human report shows: longer text is cut there, followed by
 * `… (N chars)` with its whole length in UTF-16 code units.
 */
export const TERMINAL_TEXT_MAX = 300;

/**
 * What a terminal would act on or hide instead of showing: C0 controls, DEL, C1 controls, the
 * Unicode bidirectional controls, line and paragraph separators, the byte-order mark and lone
 * surrogates.
 */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from an input (a name, a path, a message a plugin returned) made safe to print on a
 * terminal: every character in UNSAFE is shown as its JavaScript escape (`\n`, `\x1b`, `\u202e`),
 * so it can neither start a forged line nor drive the terminal, and text longer than `max` is cut.
 * Backslashes stay as they are: a literal `\n` in the input prints as those two characters.
 */
export function terminalText(text: string, max = TERMINAL_TEXT_MAX): string {
  if (text.length <= max) return text.replace(UNSAFE, escape);
  // never split a surrogate pair at the cut
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end).replace(UNSAFE, escape)}… (${text.length} chars)`;
}
