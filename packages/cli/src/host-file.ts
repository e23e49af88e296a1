import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import {
  InputError,
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO,
  TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO,
  hostIommuTypeRegistry,
  parseU32,
  parseU64,
  type AwBitsAnswer,
  type HostIommuDevice,
} from '@hiodkit/core';
import { formatSchemaErrors, numberLiteral, type JsonPathSegment } from '@hiodkit/conformance';
import { parseJsonText, readJsonText } from './json-file.js';
import { DEFAULT_AT, placeAt, type GuestPlacement } from './placement.js';

export type Backend = 'iommufd' | 'legacy';

/** The DMAR unit a device's registers come from. */
export interface DmarUnit {
  readonly name: string;
  readonly address?: string;
  readonly version?: string;
  /** Where it was read: a sysfs directory. */
  readonly path?: string;
}

/** A host IOMMU device ready to check, with where its data came from. */
export interface HostDescription {
  readonly device: HostIommuDevice;
  readonly backend: Backend;
  readonly unit?: DmarUnit;
  readonly description?: string;
  /** How get_cap's aw-bits were found: given, or estimated from the unit's registers as the kernel sizes a domain (sysfs). */
  readonly awBitsFrom: 'description' | 'estimate';
  /** how the estimate was made */
  readonly awBitsDetail?: string;
  /** a DMAR unit given without a device: QEMU's line names no host device */
  readonly unitOnly?: boolean;
  /** Where the device sits in the guest. */
  readonly guest: GuestPlacement;
}

interface HostJson {
  readonly name: string;
  readonly backend: Backend;
  readonly description?: string;
  readonly unit?: { readonly name: string; readonly address?: string; readonly version?: string };
  readonly caps: {
    readonly type: number | string;
    readonly hwCaps: string;
    readonly vtd: { readonly flags: number | string; readonly capReg: string; readonly ecapReg: string };
    readonly maxPasidLog2?: number;
  };
  readonly awBits: number | 'no-get-cap';
  readonly pci?: { readonly at: readonly string[] };
}

export const HOST_SCHEMA_URL = new URL('../schemas/host.schema.json', import.meta.url);
let validate: ValidateFunction | undefined;

function hostValidator(): ValidateFunction {
  validate ??= new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(HOST_SCHEMA_URL, 'utf8')) as object);
  return validate;
}

const U64_FIELDS = new Set(['capReg', 'ecapReg', 'hwCaps']);
const U32_FIELDS = new Set(['type', 'flags']);

/** An Ajv instance path as keys and array indices of `json`. */
function pathInto(json: unknown, instancePath: string): JsonPathSegment[] {
  const keys: JsonPathSegment[] = [];
  let node = json;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    keys.push(Array.isArray(node) ? Number(key) : key);
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  return keys;
}

/** A problem with a JSON number, showing the number as the file writes it rather than as JSON.parse rounded it; `append` when the line may not show it yet. */
function asWritten(line: string, value: number, literal: string, append: boolean): string {
  const rounded = new RegExp(`(?<![\\w.+-])${String(value).replace(/[.+]/g, '\\$&')}(?![\\w.])`, 'g');
  const rewritten = line.replace(rounded, literal);
  return append && !rewritten.includes(literal) ? `${rewritten} (got ${literal})` : rewritten;
}

/** The schema's problems, with u32/u64 fields explained by the integer parsers (why a JSON number is refused). */
function hostProblems(json: unknown, text: string | undefined): string[] {
  const v = hostValidator();
  if (v(json)) return [];
  const problems = new Set<string>();
  const numbersShown = new Set<string>();
  for (const e of v.errors ?? []) {
    const segments = pathInto(json, e.instancePath);
    const field = String(segments[segments.length - 1] ?? '');
    const value = segments.reduce<unknown>((node, seg) => (node as Record<string, unknown> | undefined)?.[seg], json);
    const path = segments.join('.');
    const literal = typeof value !== 'number' ? undefined : ((text === undefined ? undefined : numberLiteral(text, segments)) ?? String(value));
    // a bad number is shown as written, and said once per field when a line does not say it
    const shown = (line: string) => {
      if (literal === undefined) return line;
      const out = asWritten(line, value as number, literal, !numbersShown.has(path));
      numbersShown.add(path);
      return out;
    };
    if ((U64_FIELDS.has(field) || U32_FIELDS.has(field)) && segments[0] === 'caps') {
      try {
        if (U64_FIELDS.has(field)) parseU64(value, path);
        else parseU32(value, path);
      } catch (err) {
        if (err instanceof InputError) {
          problems.add(shown(err.message));
          continue;
        }
      }
    }
    for (const line of formatSchemaErrors([e], '')) problems.add(shown(line.replace(/^\.?/, '').replace(/^: /, '(root): ')));
  }
  return [...problems];
}

/** A host description from parsed JSON; InputError names the first bad field and why, a bad number as `text` writes it. */
export function parseHostDescription(json: unknown, text?: string): HostDescription {
  const problems = hostProblems(json, text);
  if (problems.length > 0) {
    const [first = '', ...rest] = problems;
    const cut = first.indexOf(': ');
    throw new InputError(first.slice(0, cut), first.slice(cut + 2) + (rest.length > 0 ? ` (and ${rest.length} more: ${rest.join('; ')})` : ''));
  }
  const h = json as HostJson;
  const registry = hostIommuTypeRegistry();
  const awBits: AwBitsAnswer = h.awBits === 'no-get-cap' ? { kind: 'no-get-cap' } : { kind: 'value', bits: h.awBits };
  const guest = placeAt(h.pci?.at ?? DEFAULT_AT, 'pci');
  const device: HostIommuDevice = {
    name: h.name,
    qom: registry.instantiate(h.backend === 'iommufd' ? TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO : TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO),
    caps: {
      type: parseU32(h.caps.type, 'caps.type'),
      hwCaps: parseU64(h.caps.hwCaps, 'caps.hwCaps'),
      vendorCaps: {
        vtd: {
          flags: parseU32(h.caps.vtd.flags, 'caps.vtd.flags'),
          capReg: parseU64(h.caps.vtd.capReg, 'caps.vtd.capReg'),
          ecapReg: parseU64(h.caps.vtd.ecapReg, 'caps.vtd.ecapReg'),
        },
      },
      maxPasidLog2: h.caps.maxPasidLog2 ?? 0,
    },
    awBits,
    pci: guest.placement,
  };
  return {
    device,
    backend: h.backend,
    ...(h.unit ? { unit: h.unit } : {}),
    ...(h.description !== undefined ? { description: h.description } : {}),
    awBitsFrom: 'description',
    guest,
  };
}

/** Reads a host description file (JSON of at most MAX_JSON_BYTES, keys unique). */
export function readHostFile(path: string): HostDescription {
  const text = readJsonText(path);
  return parseHostDescription(parseJsonText(text, path), text);
}
