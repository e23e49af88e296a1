/** One printf argument: C integers as number or bigint, strings for %s. */
export type PrintfArg = number | bigint | string;

/** Thrown when a format and its arguments do not match (a compile-time error in C). */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

const SPEC = /%([-0#+ ]*)(\d*)(hh|h|ll|l|z)?([diuxXs%])/y;

function asInteger(arg: PrintfArg | undefined, conv: string): bigint {
  if (typeof arg === 'bigint') return arg;
  if (typeof arg === 'number' && Number.isInteger(arg)) return BigInt(arg);
  throw new FormatError(`%${conv} needs an integer argument, got ${typeof arg === 'string' ? JSON.stringify(arg) : String(arg)}`);
}

/** The bit width a length modifier gives an integer conversion on LP64 Linux. */
function widthOf(length: string | undefined): number {
  switch (length) {
    case 'hh':
      return 8;
    case 'h':
      return 16;
    case 'l':
    case 'll':
    case 'z':
      return 64;
    default:
      return 32;
  }
}

function pad(text: string, flags: string, width: number, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width, ' ');
  if (numeric && flags.includes('0')) {
    // zeros go after the sign and any 0x prefix: printf("%#06x", 1) is "0x0001"
    const head = /^[-+ ]?(0[xX])?/.exec(text)?.[0] ?? '';
    return head + text.slice(head.length).padStart(width - head.length, '0');
  }
  return text.padStart(width, ' ');
}

/**
 * C printf for the conversions QEMU's messages use: %d %i %u %x %X %s %% with flags, width and
 * length modifiers. Integers are converted to the C type first, so a u32 printed with %d goes
 * negative at 2^31, as it does in QEMU.
 */
export function cFormat(format: string, ...args: PrintfArg[]): string {
  let out = '';
  let next = 0;
  let at = 0;
  while (at < format.length) {
    const percent = format.indexOf('%', at);
    if (percent < 0) {
      out += format.slice(at);
      break;
    }
    out += format.slice(at, percent);
    SPEC.lastIndex = percent;
    const match = SPEC.exec(format);
    if (!match) throw new FormatError(`format ${JSON.stringify(format)} has an unsupported conversion at offset ${percent}`);
    at = SPEC.lastIndex;
    const [, flags = '', widthText = '', length, conv = ''] = match;
    if (conv === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) throw new FormatError(`format ${JSON.stringify(format)} needs more than ${args.length} argument(s)`);
    out += convert(args[next++], flags, widthText === '' ? 0 : Number(widthText), length, conv);
  }
  if (next !== args.length) throw new FormatError(`format ${JSON.stringify(format)} takes ${next} argument(s), got ${args.length}`);
  return out;
}

function convert(arg: PrintfArg | undefined, flags: string, width: number, length: string | undefined, conv: string): string {
  if (conv === 's') {
    if (typeof arg !== 'string') throw new FormatError(`%s needs a string argument, got ${String(arg)}`);
    return pad(arg, flags, width, false);
  }
  const bits = widthOf(length);
  const value = asInteger(arg, conv);
  let text: string;
  if (conv === 'd' || conv === 'i') {
    const signed = BigInt.asIntN(bits, value);
    text = signed.toString();
    if (signed >= 0n && flags.includes('+')) text = `+${text}`;
    else if (signed >= 0n && flags.includes(' ')) text = ` ${text}`;
  } else {
    const unsigned = BigInt.asUintN(bits, value);
    if (conv === 'u') text = unsigned.toString();
    else {
      text = unsigned.toString(16);
      if (conv === 'X') text = text.toUpperCase();
      if (flags.includes('#') && unsigned !== 0n) text = (conv === 'X' ? '0X' : '0x') + text;
    }
  }
  return pad(text, flags, width, true);
}
