import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PluginDeclaration } from '@hiodkit/core';
import { PREDICATE_NAMES, PREDICATE_VALUES, canonicalCase, classifyCase, defaultCaseArb, loadReferenceTable, type Case, type PredicateName } from '../src/index.js';
import { PREDICATE_READS, README, renderReadme, type FieldPath } from './render-readme-checks.js';

type Declaration = Pick<PluginDeclaration, 'kconfig'>;
interface Input {
  readonly c: Case;
  readonly declaration: Declaration;
}

const REGISTERS = ['device.caps.vendorCaps.vtd.capReg', 'device.caps.vendorCaps.vtd.ecapReg'];
/** Fields the walk treats as one value: a union whose shape is the value. */
const ATOMIC = new Set(['device.awBits', 'guest.attached', 'device.qom.ancestors', 'device.pci.upstreamBuses']);

/** Every input field of a case, registers bit by bit, as PREDICATE_READS names them. */
function leaves(value: unknown, path: string): FieldPath[] {
  if (REGISTERS.includes(path)) return Array.from({ length: 64 }, (_, bit) => `${path}[${bit}]`);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ATOMIC.has(path)) return [path];
  return Object.entries(value).flatMap(([key, v]) => leaves(v, `${path}.${key}`));
}

function inputLeaves(input: Input): FieldPath[] {
  return [...leaves(input.c.guest, 'guest'), ...leaves(input.c.device, 'device'), 'implements.kconfig.VTD_ACCEL'];
}

/** `reg[39:35]` as its five bits. */
function expand(path: FieldPath): FieldPath[] {
  const m = /^(.*)\[(\d+):(\d+)\]$/.exec(path);
  if (!m) return [path];
  const [hi, lo] = [Number(m[2]), Number(m[3])];
  return Array.from({ length: hi - lo + 1 }, (_, i) => `${m[1] as string}[${lo + i}]`);
}

/** Sets one field by its path, copying every object on the way. */
function setAt(obj: unknown, keys: readonly string[], value: unknown): unknown {
  const [key, ...rest] = keys;
  if (key === undefined) return value;
  const record = obj as Record<string, unknown>;
  return { ...record, [key]: setAt(record[key], rest, value) };
}

function getAt(obj: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

const U8 = [0, 1, 2, 19, 20, 21, 38, 39, 40, 47, 48, 49, 63, 64, 65, 255];

/** Values a field can take instead of the one it has; a change of shape for the unions. */
function alternatives(path: FieldPath, input: Input): unknown[] {
  const { c } = input;
  const current = path === 'implements.kconfig.VTD_ACCEL' ? input.declaration.kconfig.VTD_ACCEL : getAt(c, path.split('.'));
  const text = (v: unknown) => JSON.stringify(v, (_key, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  const other = (values: unknown[]) => values.filter((v) => text(v) !== text(current));
  if (typeof current === 'boolean') return [!current];
  switch (path) {
    case 'guest.props.eim':
    case 'guest.props.intremap':
      return other(['on', 'off', 'auto']);
    case 'guest.props.awBits':
    case 'guest.props.pasidBits':
    case 'device.caps.maxPasidLog2':
      return other([...U8, (current as number) + 1, (current as number) - 1].filter((v) => v >= 0 && v <= 255));
    case 'guest.props.version':
    case 'device.caps.type':
    case 'device.caps.vendorCaps.vtd.flags':
      return other([0, 1, 2, 3, 2 ** 31, 2 ** 32 - 1]);
    case 'device.caps.hwCaps':
      return other([0n, 1n, 7n, 2n ** 64n - 1n]);
    case 'device.name':
      return ['0000:ff:1f.7'];
    case 'device.pci.bus':
    case 'device.pci.devfn':
      return other([0, 1, 0x10, 0xff, ...c.guest.attached.map((a) => (path === 'device.pci.bus' ? a.bus : a.devfn))]);
    case 'guest.attached':
      return other([[], [{ bus: c.device.pci.bus, devfn: c.device.pci.devfn }], [{ bus: c.device.pci.bus ^ 1, devfn: c.device.pci.devfn }]]);
    case 'device.awBits':
      return other([{ kind: 'no-get-cap' }, { kind: 'error', error: { message: 'x', hints: [] } }, ...[1, 38, 39, 40, 47, 48, 49, 64].map((bits) => ({ kind: 'value', bits }))]);
    case 'device.qom.type':
      return other(['host-iommu-device-iommufd', 'host-iommu-device-legacy-vfio', 'some-other-type']);
    case 'device.qom.ancestors':
      return other([['object'], ['host-iommu-device', 'object'], ['host-iommu-device-iommufd', 'host-iommu-device', 'object']]);
    case 'device.pci.upstreamBuses':
      return other([[], ['pcie'], ['pci'], ['pcie', 'pci'], ['pci', 'pcie']]);
    default:
      throw new Error(`no alternatives for ${path}`);
  }
}

/** The inputs one field's change makes; a register bit is flipped. */
function perturb(path: FieldPath, input: Input): Input[] {
  const bit = /^(.*)\[(\d+)\]$/.exec(path);
  if (bit) {
    const keys = (bit[1] as string).split('.');
    const reg = getAt(input.c, keys) as bigint;
    return [{ ...input, c: setAt(input.c, keys, reg ^ (1n << BigInt(bit[2] as string))) as Case }];
  }
  return alternatives(path, input).map((v) =>
    path === 'implements.kconfig.VTD_ACCEL' ? { ...input, declaration: { kconfig: { ...input.declaration.kconfig, VTD_ACCEL: v as boolean } } } : { ...input, c: setAt(input.c, path.split('.'), v) as Case },
  );
}

// Cases spread over every row of the pasid table, the one with every predicate, and the canonical case.
const SAMPLES: Input[] = [true, false].flatMap((VTD_ACCEL) => {
  const declaration: Declaration = { kconfig: { VTD_ACCEL } };
  const cases = fc.sample(defaultCaseArb(loadReferenceTable('pasid'), declaration), { seed: 42, numRuns: 150 });
  return [canonicalCase(), ...cases].map((c) => ({ c, declaration }));
});

describe('the kit README', () => {
  it('holds the checks of each profile and the predicate table as render-readme-checks.ts renders them', () => {
    const text = readFileSync(README, 'utf8');
    expect(text).toBe(renderReadme(text));
  });
});

describe('PREDICATE_READS is what classifyCase reads', () => {
  it('has every predicate, each with its values in the tables\' order', () => {
    expect(Object.keys(PREDICATE_READS)).toEqual(PREDICATE_NAMES);
    for (const name of PREDICATE_NAMES) expect([name, Object.keys(PREDICATE_READS[name].values)]).toEqual([name, [...PREDICATE_VALUES[name]]]);
  });

  it('names only fields a case has, and every field of a case can be perturbed', () => {
    const fields = new Set(inputLeaves(SAMPLES[0] as Input));
    for (const name of PREDICATE_NAMES) for (const path of PREDICATE_READS[name].reads.flatMap(expand)) expect([name, path, fields.has(path)]).toEqual([name, path, true]);
    for (const path of fields) expect([path, perturb(path, SAMPLES[0] as Input).length > 0]).toEqual([path, true]);
  });

  it('a field a predicate does not read never changes it; every field it reads changes it for some case', () => {
    const reads = new Map(PREDICATE_NAMES.map((name) => [name, new Set(PREDICATE_READS[name].reads.flatMap(expand))]));
    const strays: string[] = [];
    const seen = new Set<string>();
    for (const input of SAMPLES) {
      const before = classifyCase(input.c, input.declaration);
      for (const path of inputLeaves(input)) {
        for (const next of perturb(path, input)) {
          const after = classifyCase(next.c, next.declaration);
          for (const name of PREDICATE_NAMES as PredicateName[]) {
            if (after[name] === before[name]) continue;
            if (reads.get(name)?.has(path)) seen.add(`${name} ${path}`);
            else strays.push(`${name} changed when only ${path} did (${before[name]} → ${after[name]})`);
          }
        }
      }
    }
    expect(strays.slice(0, 5)).toEqual([]);
    const unseen = PREDICATE_NAMES.flatMap((name) => [...(reads.get(name) ?? [])].filter((path) => !seen.has(`${name} ${path}`)).map((path) => `${name} ${path}`));
    expect(unseen).toEqual([]);
  });
});
