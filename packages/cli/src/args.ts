import { parseArgs, type ParseArgsConfig } from 'node:util';
import { terminalText } from '@hiodkit/conformance';
import { UsageError } from './cli-error.js';
import { ShellWordsError, shellWords } from './vm/shell-words.js';

/** A value from the command line echoed in a message: quoted, control characters escaped, cut when very long. */
export function quoted(value: string): string {
  return `"${terminalText(value)}"`;
}

/** Runs a node:util.parseArgs call, turning its errors into one-line usage errors for `command`. */
function withUsageErrors<R>(command: string, parse: () => R): R {
  try {
    return parse();
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e);
    throw new UsageError(terminalText(message.replace(/^Unknown option/, 'unknown option')), command);
  }
}

/** parseArgs for `command` with usage errors, refusing a single-valued option given twice (parseArgs would keep the last silently). */
export function parseOptions<const T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  const parsed = withUsageErrors(command, () => parseArgs({ ...config, tokens: true }));
  const given = new Map<string, string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || token.value === undefined || config.options?.[token.name]?.multiple === true) continue;
    const before = given.get(token.name);
    if (before !== undefined) throw new UsageError(`--${token.name}: given twice (${quoted(before)}, then ${quoted(token.value)}); give it once`, command);
    given.set(token.name, token.value);
  }
  return parsed as ReturnType<typeof parseArgs<T>>;
}

/** A path option; an empty one is refused, as resolving it would quietly mean the working directory. */
export function pathOption(name: string, value: string | undefined): string | undefined {
  if (value === '') throw new UsageError(`${name}: the path is empty`);
  return value;
}

/** An integer option within [min, max]; `name` is the option as written. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${name}: expected an integer, got ${quoted(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name}: ${terminalText(value)} is outside ${min}..${max}`);
  return n;
}

/** One of a fixed set of words. */
export function choiceOption<C extends string>(name: string, value: string | undefined, choices: readonly C[]): C | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${name}: ${quoted(value)} is not one of ${choices.join(', ')}`);
  return value as C;
}

/**
 * Splits an --exec command line into program and arguments, POSIX-shell style for quotes and
 * backslashes only (no variables, globs or pipes: the command is spawned directly).
 */
export function splitCommandLine(line: string): string[] {
  let words: string[];
  try {
    words = shellWords(line).map((w) => w.text);
  } catch (e) {
    if (e instanceof ShellWordsError) throw new UsageError(`--exec: ${e.reason.replace(/ \(opened on line \d+\)$/, '')} in ${JSON.stringify(line)}`);
    throw e;
  }
  if (words.length === 0) throw new UsageError('--exec: the command is empty');
  return words;
}
