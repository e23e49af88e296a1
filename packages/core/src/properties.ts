import { INTEL_IOMMU_PROPERTIES, intelIommuDefaults, propertiesOf, type IntelIommuProps, type OnOffAuto, type PropertyDef } from './guest.js';
import { InputError } from './input-error.js';
import type { ProfileId } from './profile.js';

const TRUE_SPELLINGS = ['on', 'yes', 'true', 'y'];
const FALSE_SPELLINGS = ['off', 'no', 'false', 'n'];

/** A value an intel-iommu property's setter refuses; `reason` is QEMU's message for it. */
export class PropertyValueError extends InputError {}

/** qobject_input_type_bool_keyval(): qapi_bool_parse()'s spellings, else the visitor's own message. */
export function parseQemuBool(name: string, value: string): boolean {
  if (TRUE_SPELLINGS.includes(value)) return true;
  if (FALSE_SPELLINGS.includes(value)) return false;
  throw new PropertyValueError(name, `Parameter '${name}' expects 'on' or 'off'`);
}

// a whole string strtoull (C17, base 0) converts: C-locale isspace(), a sign, a hex, octal or decimal constant
const WHOLE_C_UNSIGNED = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
const U64_MAX = (1n << 64n) - 1n;

/** qemu_strtou64(value, NULL, 0): refuses what strtoull leaves unconverted or overflows; '-' wraps in uint64_t. */
function qemuStrtou64(value: string): bigint | undefined {
  const match = WHOLE_C_UNSIGNED.exec(value);
  if (!match) return undefined;
  const [, sign, digits = ''] = match;
  const magnitude = /^0[0-7]/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  if (magnitude > U64_MAX) return undefined;
  return sign === '-' ? (U64_MAX + 1n - magnitude) & U64_MAX : magnitude;
}

/** visit_type_uintN() over qobject_input_type_uint64_keyval(): the uint64 first, then the C type's range. */
function visitUintN(name: string, value: string, max: bigint, rangeMessage: string): number {
  const n = qemuStrtou64(value);
  if (n === undefined) throw new PropertyValueError(name, `Parameter '${name}' expects integer`);
  if (n > max) throw new PropertyValueError(name, rangeMessage);
  return Number(n);
}

function parseValue(def: PropertyDef, value: string): IntelIommuProps[keyof IntelIommuProps] {
  switch (def.kind) {
    case 'bool':
      return parseQemuBool(def.name, value);
    case 'on-off-auto':
      // input_type_enum(): qapi_enum_parse() takes the OnOffAuto names exactly
      if (value === 'on' || value === 'off' || value === 'auto') return value satisfies OnOffAuto;
      throw new PropertyValueError(def.name, `Parameter '${def.name}' does not accept value '${value}'`);
    case 'uint8':
      return visitUintN(def.name, value, 0xffn, `Parameter '${def.name}' expects uint8_t`);
    case 'uint32':
      return visitUintN(def.name, value, 0xffff_ffffn, `Parameter '${def.name}' expects uint32_t`);
  }
}

function unknownProperty(name: string, profile: ProfileId, defs: readonly PropertyDef[]): InputError {
  const elsewhere = INTEL_IOMMU_PROPERTIES.find((p) => p.name === name);
  if (elsewhere) {
    const now = defs.find((p) => p.field === elsewhere.field);
    const hint = now ? `; at profile ${profile} it is '${now.name}'` : '';
    return new InputError(name, `Property 'intel-iommu.${name}' not found at profile ${profile} (it exists at ${elsewhere.profiles.join(', ')})${hint}`);
  }
  const known = defs.map((p) => p.name).join(', ');
  return new InputError(name, `Property 'intel-iommu.${name}' not found (intel-iommu properties: ${known})`);
}

/** One `name=value` of a QemuOpts list, after its sugar is undone. */
interface QemuOpt {
  readonly name: string;
  readonly value: string;
  /** set for the deprecated short forms `name` and `noname` */
  readonly shortForm?: string;
}

/**
 * Splits a list the way QemuOpts' get_opt_name_value() does: `name=value` with `,,` standing for a
 * comma inside a value; a bare `name` is `name=on` and `noname` is `name=off` (deprecated short forms).
 */
export function splitQemuOpts(text: string): QemuOpt[] {
  const opts: QemuOpt[] = [];
  let at = 0;
  while (at < text.length) {
    let len = 0;
    while (at + len < text.length && text[at + len] !== '=' && text[at + len] !== ',') len++;
    const name = text.slice(at, at + len);
    if (text[at + len] !== '=') {
      const off = name.startsWith('no');
      opts.push({ name: off ? name.slice(2) : name, value: off ? 'off' : 'on', shortForm: name });
      at += len + 1;
      continue;
    }
    let value = '';
    let p = at + len + 1;
    for (; p < text.length; p++) {
      if (text[p] === ',') {
        if (text[p + 1] !== ',') break;
        p++;
      }
      value += text[p];
    }
    opts.push({ name, value });
    at = p + 1;
  }
  return opts;
}

export interface ParseGuestOptions {
  /** Receives QEMU's deprecation warning for a short-form boolean (`x-flts` for `x-flts=on`). */
  readonly onWarning?: (warning: string) => void;
  /** The properties a release has, when it lacks some of its profile's (resolveQemu's `properties`). */
  readonly properties?: readonly PropertyDef[];
  /** The values before the list is applied, e.g. a machine type's compat values (resolveQemu's `defaults`). */
  readonly defaults?: IntelIommuProps;
}

/**
 * Parses a QEMU-style property list such as `x-scalable-mode=on,x-flts=on,aw-bits=48,fs1gp=off`
 * over QEMU's defaults. A leading `intel-iommu` (the -device driver) and `id=` are accepted; as in
 * QemuOpts, a repeated property takes its last value, and only that value is parsed.
 */
export function parseGuestProperties(text: string, profile: ProfileId = 'seed', options: ParseGuestOptions = {}): IntelIommuProps {
  const props: Record<string, unknown> = { ...(options.defaults ?? intelIommuDefaults(profile)) };
  const defs = options.properties ?? propertiesOf(profile);
  // qemu_opts_to_qdict(): a repeated name keeps one entry holding its last value
  const lastOf = new Map<string, QemuOpt>();
  splitQemuOpts(text).forEach((opt, index) => {
    if (index === 0 && opt.shortForm === 'intel-iommu') return;
    if (opt.name === 'driver' && opt.value === 'intel-iommu') return;
    if (opt.name === 'id') return;
    if (opt.name === '') throw new InputError(`properties[${index}]`, 'empty property name (a comma at the start, or a short form with nothing after "no")');
    if (opt.shortForm !== undefined) {
      options.onWarning?.(`short-form boolean option '${opt.shortForm}' deprecated\nPlease use ${opt.name}=${opt.value} instead`);
    }
    lastOf.set(opt.name, opt);
  });
  for (const opt of lastOf.values()) {
    const def = defs.find((d) => d.name === opt.name);
    if (!def) throw unknownProperty(opt.shortForm ?? opt.name, profile, defs);
    props[def.field] = parseValue(def, opt.value);
  }
  return props as unknown as IntelIommuProps;
}

/** Renders the properties that differ from QEMU's defaults at the profile, in the profile's spelling. */
export function formatGuestProperties(props: IntelIommuProps, profile: ProfileId = 'seed'): string {
  const defaults = intelIommuDefaults(profile);
  return propertiesOf(profile)
    .filter((d) => props[d.field] !== defaults[d.field])
    .map((d) => {
      const v = props[d.field];
      return `${d.name}=${typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)}`;
    })
    .join(',');
}
