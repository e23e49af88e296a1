/** How much of one input text human output shows: longer text is cut there and followed by `… (N chars)`, N in UTF-16 units. */
export const TERMINAL_TEXT_MAX = 300;

/** What a terminal acts on or hides: C0, DEL, C1, bidi controls, line and paragraph separators, the BOM, lone surrogates. */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Input text (a name, a path, a plugin's message) safe to print: each UNSAFE character as its JavaScript escape (`\n`, `\x1b`,
 * `\u202e`), so it can neither forge a line nor drive the terminal, cut past `max`. Backslashes are left as they are.
 */
export function terminalText(text: string, max = TERMINAL_TEXT_MAX): string {
  if (text.length <= max) return text.replace(UNSAFE, escape);
  // never split a surrogate pair at the cut
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end).replace(UNSAFE, escape)}… (${text.length} chars)`;
}
