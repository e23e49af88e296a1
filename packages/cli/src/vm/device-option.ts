import { InputError, splitQemuOpts } from '@hiodkit/core';
import { parseJsonText } from '../json-file.js';

/** A property value as the option gives it: always a string in QemuOpts form; JSON keeps its types. */
export type OptValue = string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

/** One -device (or -object) argument, parsed as QEMU parses it. */
export interface DeviceOption {
  /** driver (for -object, qom-type) */
  readonly driver: string;
  readonly id: string | undefined;
  /** the other properties, in the order given; a repeated name keeps its last value (qemu_opts_to_qdict) */
  readonly props: ReadonlyMap<string, OptValue>;
  readonly form: 'opts' | 'json';
  /** the argument as written: what QEMU prints after the option name in its error lines */
  readonly text: string;
  /** where it came from, for messages, e.g. `line 12` */
  readonly where: string;
}

/**
 * Parses a -device or -object argument: `{…}` is JSON (QEMU takes JSON there since 6.0, and
 * libvirt writes it), anything else QemuOpts with the implied first name (`driver` or `qom-type`)
 * and `,,` for a comma inside a value.
 */
export function parseDeviceOption(text: string, implied: 'driver' | 'qom-type', where: string): DeviceOption {
  return text.startsWith('{') ? fromJson(text, implied, where) : fromOpts(text, implied, where);
}

function fromOpts(text: string, implied: string, where: string): DeviceOption {
  const opts = splitQemuOpts(text);
  const first = opts[0];
  // get_opt_name_value(): the first element without '=' is the implied option's value
  const impliedValue = first?.shortForm;
  const props = new Map<string, OptValue>();
  let driver = impliedValue;
  let id: string | undefined;
  opts.forEach((opt, i) => {
    if (i === 0 && impliedValue !== undefined) return;
    if (opt.name === implied) driver = opt.value;
    else if (opt.name === 'id') id = opt.value;
    else {
      props.delete(opt.name);
      props.set(opt.name, opt.value);
    }
  });
  if (driver === undefined || driver === '') throw new InputError(where, `${JSON.stringify(text.slice(0, 60))} names no ${implied}`);
  return { driver, id, props, form: 'opts', text, where };
}

function fromJson(text: string, implied: string, where: string): DeviceOption {
  const json = parseJsonText(text, where);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError(where, 'a JSON argument must be an object');
  const props = new Map<string, OptValue>();
  let driver: unknown;
  let id: unknown;
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key === implied) driver = value;
    else if (key === 'id') id = value;
    else props.set(key, value as OptValue);
  }
  if (typeof driver !== 'string' || driver === '') throw new InputError(where, `the JSON object has no string "${implied}"`);
  if (id !== undefined && typeof id !== 'string') throw new InputError(where, 'the JSON "id" must be a string');
  return { driver, id: id as string | undefined, props, form: 'json', text, where };
}

/** A string property of a device, or undefined; refuses a JSON value of another type, naming it. */
export function stringProp(device: DeviceOption, name: string): string | undefined {
  const value = device.props.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InputError(`${device.where} ${name}`, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}
