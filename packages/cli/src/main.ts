import { readFileSync } from 'node:fs';
import { InputError } from '@hiodkit/core';
import { ConformanceConfigError, PluginLoadError, ReferenceTableError, terminalText } from '@hiodkit/conformance';
import { quoted } from './args.js';
import { CHECK_HELP, checkCommand } from './check-command.js';
import { EXIT, UsageError } from './cli-error.js';
import { CONFORM_HELP, conformCommand } from './conform-command.js';
import { DECODE_HELP, decodeCommand } from './decode-command.js';
import { OutputError, type CliIo } from './io.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const MAIN_HELP = `Usage: hiodkit <command> [options]

hiodkit models QEMU's host-device check for -device intel-iommu,x-flts=on and
tests other implementations of it against QEMU's behaviour.

Commands:
  check     would QEMU attach this host device? the verdict as QEMU prints it
  decode    every field of the VT-d cap and ecap registers
  conform   run the conformance kit on a checker plugin (or the built-in ones)

Run 'hiodkit <command> --help' for a command's options.

Exit codes:
  0  conformant / compatible / done
  1  nonconformant / incompatible
  2  bad usage or bad input, or output that cannot be written (a full disk)
  3  an internal error in hiodkit (please report it)
A reader that closes the output pipe early (hiodkit … | head -1) ends hiodkit
at once, quietly, with 0.`;

const COMMANDS: Record<string, { run: (argv: readonly string[], io: CliIo) => number; help: string }> = {
  check: { run: checkCommand, help: CHECK_HELP },
  decode: { run: decodeCommand, help: DECODE_HELP },
  conform: { run: conformCommand, help: CONFORM_HELP },
};

function dispatch(command: string | undefined, rest: readonly string[], io: CliIo): number {
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`${MAIN_HELP}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    io.stderr(`hiodkit: unknown command ${quoted(command)}; the commands are ${Object.keys(COMMANDS).join(', ')}\nTry 'hiodkit --help'.\n`);
    return EXIT.usage;
  }
  return entry.run(rest, io);
}

/** What a failed command prints on stderr and its exit code. */
function failure(command: string, e: unknown): { readonly text: string; readonly code: number } {
  // messages echo names, paths and values from the input: one line each, nothing a terminal acts on
  if (e instanceof UsageError) return { text: `hiodkit ${command}: ${terminalText(e.message, Infinity)}\nTry 'hiodkit ${command} --help'.\n`, code: EXIT.usage };
  if (e instanceof InputError || e instanceof ConformanceConfigError || e instanceof PluginLoadError || e instanceof ReferenceTableError || e instanceof OutputError) {
    return { text: `hiodkit ${command}: ${terminalText(e.message, Infinity)}\n`, code: EXIT.usage };
  }
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { text: `hiodkit ${command}: internal error: ${terminalText(detail, Infinity)}\n`, code: EXIT.internal };
}

/** Runs the CLI; returns the exit code. Nothing escapes as an exception and no stack is printed. */
export function main(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  try {
    return dispatch(command, rest, io);
  } catch (e) {
    // the reader of a pipe closed it early (`| head -1`): it has what it wanted, so stop without a word
    if (e instanceof OutputError && e.code === 'EPIPE') return EXIT.ok;
    const { text, code } = failure(command ?? '', e);
    try {
      io.stderr(text);
    } catch (again) {
      // stderr cannot take the message either: the exit code is all that is left to say it
      if (!(again instanceof OutputError)) throw again;
    }
    return code;
  }
}
