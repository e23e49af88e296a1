/**
 * The kit's own C printf, for the reference tables' templates only: %d %i %u %x with an optional
 * l or ll, and %%. It shares no code with @hiodkit/core's cFormat, so a checker built on a broken
 * core cannot agree with the kit's expectation by sharing the fault.
 */

/** A template the kit's formatter cannot render with the arguments given. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

// no flags or field widths: no template of QEMU's that the tables quote uses them
const CONVERSION = /%(ll|l)?([diux%])/y;

/** One integer as C prints it: int or unsigned int (32 bits), or long (64 bits, LP64) with l or ll. */
function renderInteger(value: number | bigint, length: string | undefined, conversion: string): string {
  if (typeof value === 'number' && !Number.isInteger(value)) throw new TemplateError(`%${conversion} needs an integer, got ${value}`);
  const bits = length === undefined ? 32 : 64;
  const n = BigInt(value);
  if (conversion === 'd' || conversion === 'i') return BigInt.asIntN(bits, n).toString(10);
  return BigInt.asUintN(bits, n).toString(conversion === 'x' ? 16 : 10);
}

/** printf(template, ...args) for the conversions above; throws TemplateError on any other, or on a count mismatch. */
export function renderTemplate(template: string, args: readonly (number | bigint)[]): string {
  const pieces: string[] = [];
  let used = 0;
  let at = 0;
  for (let percent = template.indexOf('%'); percent >= 0; percent = template.indexOf('%', at)) {
    pieces.push(template.slice(at, percent));
    CONVERSION.lastIndex = percent;
    const match = CONVERSION.exec(template);
    if (match === null) throw new TemplateError(`${JSON.stringify(template)}: offset ${percent} is not one of %d %i %u %x (with l or ll) or %%`);
    at = CONVERSION.lastIndex;
    const [, length, conversion = ''] = match;
    if (conversion === '%') {
      pieces.push('%');
      continue;
    }
    const value = args[used++];
    if (value === undefined) throw new TemplateError(`${JSON.stringify(template)} needs more than ${args.length} argument(s)`);
    pieces.push(renderInteger(value, length, conversion));
  }
  pieces.push(template.slice(at));
  if (used !== args.length) throw new TemplateError(`${JSON.stringify(template)} takes ${used} argument(s), got ${args.length}`);
  return pieces.join('');
}
