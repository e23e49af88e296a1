import { UsageError } from './cli-error.js';

/** Runs a node:util.parseArgs call, turning its errors into one-line usage errors for `command`. */
export function withUsageErrors<R>(command: string, parse: () => R): R {
  try {
    return parse();
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e);
    throw new UsageError(message.replace(/^Unknown option/, 'unknown option'), command);
  }
}

/** An integer option within [min, max]; `name` is the option as written. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${name}: expected an integer, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name}: ${value} is outside ${min}..${max}`);
  return n;
}

/** One of a fixed set of words. */
export function choiceOption<C extends string>(name: string, value: string | undefined, choices: readonly C[]): C | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${name}: ${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
  return value as C;
}

/**
 * Splits an --exec command line into program and arguments, POSIX-shell style for quotes and
 * backslashes only (no variables, globs or pipes: the command is spawned directly).
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`--exec: unterminated ${quote} quote in ${JSON.stringify(line)}`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new UsageError('--exec: the command is empty');
  return words;
}
