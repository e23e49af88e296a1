/** A word of a command line, with the line it starts on (1-based) for messages. */
export interface ShellWord {
  readonly text: string;
  readonly line: number;
}

/** Why a command line could not be split, and the line it happened on. */
export class ShellWordsError extends Error {
  override readonly name = 'ShellWordsError';
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(reason);
  }
}

/**
 * Splits text into words as a POSIX shell does for quotes and backslashes only: '…' is literal,
 * "…" keeps \" \\ \$ \` escapes, a backslash-newline outside single quotes joins lines (how
 * libvirt's log and `qm showcmd --pretty` wrap a command), and blanks separate words. No
 * variables, globs or pipes: the words are data.
 */
export function shellWords(text: string): ShellWord[] {
  const words: ShellWord[] = [];
  let word = '';
  let inWord = false;
  let start = 1;
  let line = 1;
  let quote: '"' | "'" | undefined;
  let quoteLine = 1;
  const begin = () => {
    if (!inWord) start = line;
    inWord = true;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\n') line++;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && text[i + 1] === '\n') {
        i++;
        line++;
      } else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      begin();
      quote = ch;
      quoteLine = line;
    } else if (ch === '\\' && text[i + 1] === '\n') {
      i++;
      line++;
    } else if (ch === '\\' && i + 1 < text.length) {
      begin();
      word += text[++i];
    } else if (/\s/.test(ch)) {
      if (inWord) words.push({ text: word, line: start });
      word = '';
      inWord = false;
    } else {
      begin();
      word += ch;
    }
  }
  if (quote) throw new ShellWordsError(`unterminated ${quote} quote (opened on line ${quoteLine})`, quoteLine);
  if (inWord) words.push({ text: word, line: start });
  return words;
}
