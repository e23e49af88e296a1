import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSFS, hasStackTrace, run, runBin } from './helpers.js';

/*
 * The fields of each register and their bits, written out by hand from Linux
 * drivers/iommu/intel/iommu.h and the VT-d specification (11.4.2, 11.4.3). The test parses this
 * text itself, so the CLI is compared with an independent list, not with its own field table.
 */
const LISTED_CAP =
  'ND 2:0, AFL 3, RWBF 4, PLMR 5, PHMR 6, CM 7, SAGAW 12:8, MGAW 21:16 (width−1), ZLR 22, ISOCH 23, FRO 33:24 (×16), SLLPS 37:34, PSI 39, NFR 47:40 (count−1), ' +
  'MAMV 53:48, DWD 54, DRD 55, FS1GP (Linux FL1GP) 56, PI 59, FS5LP (FL5LP) 60, ECMDS 61, ESIRTPS 62, ESRTPS 63';
// Linux iommu.h's fields and the VT-d 2.x ones 3.0 made reserved (ECS 24, DIS 27, LPASID 28), which hiodkit names as legacy
const LISTED_ECAP =
  'C 0, QI 1, DT 2, IR 3, EIM 4, PT 6, SC 7, IRO 17:8 (×16), MHMV 23:20, ECS 24, MTS 25, NEST 26, DIS 27, LPASID (BROKEN_PASID) 28, PRS 29, ERS 30, SRS 31, NWFS 33, EAFS 34, PSS 39:35 ' +
  '(PASID bits−1), PASID 40, DIT 41, PDS 42, SMTS 43, VCS 44, SLADS 45, SSTS (SLTS) 46, FSTS (FLTS) 47, SMPWC 48, RPS 49, PMS 51';

interface ListedField {
  name: string;
  linux?: string;
  msb: number;
  lsb: number;
  /** as the CLI writes bits: "56" or "21:16" */
  bits: string;
}

function parseList(text: string): ListedField[] {
  return text.split(', ').map((entry) => {
    const m = /^(\w+)(?: \((?:Linux )?(\w+)\))? (\d+)(?::(\d+))?/.exec(entry);
    if (!m) throw new Error(`cannot parse the listed entry ${entry}`);
    const [, name = '', linux, hi = '', lo] = m;
    const msb = Number(hi);
    const lsb = lo === undefined ? msb : Number(lo);
    return { name, ...(linux !== undefined ? { linux } : {}), msb, lsb, bits: lo === undefined ? hi : `${hi}:${lo}` };
  });
}

const CAP_FIELDS = parseList(LISTED_CAP);
const ECAP_FIELDS = parseList(LISTED_ECAP);

const CAP = '0xd2008c40660462';
const ECAP = '0x3ee9e86f050df';

interface JsonRow {
  register: string;
  field: string;
  linux?: string;
  bits: string;
  raw: string;
  meaning: string;
  title: string;
}
interface JsonRegister {
  value: string;
  reserved: string;
  fields: JsonRow[];
}
interface JsonDecode {
  source?: string;
  capReg?: JsonRegister;
  ecapReg?: JsonRegister;
}

function decodeJson(argv: readonly string[]): JsonDecode {
  const r = run(['decode', ...argv, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JsonDecode;
}

function bitsOf(value: bigint, f: ListedField): bigint {
  return (value >> BigInt(f.lsb)) & ((1n << BigInt(f.msb - f.lsb + 1)) - 1n);
}

function meaningIn(reg: JsonRegister | undefined, field: string): string | undefined {
  return reg?.fields.find((f) => f.field === field)?.meaning;
}

describe('decode --cap --ecap (table)', () => {
  const r = run(['decode', '--cap', CAP, '--ecap', ECAP]);
  const lines = r.stdout.split('\n');

  it('exits 0 and prints both registers, zero-padded', () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines[0]).toBe('cap_reg = 0x00d2008c40660462');
    expect(lines).toContain('ecap_reg = 0x0003ee9e86f050df');
    expect(hasStackTrace(r.stdout)).toBe(false);
  });

  it.each([
    ['cap', CAP_FIELDS],
    ['ecap', ECAP_FIELDS],
  ] as const)('every listed %s_reg field appears with its bits', (register, fields) => {
    const start = lines.findIndex((l) => l.startsWith(`${register}_reg = `));
    const next = lines.findIndex((l, i) => i > start && /^\w+_reg = /.test(l));
    const block = lines.slice(start + 1, next === -1 ? undefined : next).filter((l) => l !== '');
    expect(block).toHaveLength(fields.length);
    fields.forEach((f, i) => {
      const label = f.linux ? `${f.name} (${f.linux})` : f.name;
      const row = block[i] ?? '';
      expect(row.startsWith(`  ${label} `), `row ${i} of ${register}_reg: ${row}`).toBe(true);
      expect(row.slice(2 + label.length).trimStart().startsWith(`${f.bits}  `), `bits of ${f.name}: ${row}`).toBe(true);
    });
  });

  it('says what the sample registers mean', () => {
    const row = (name: string) => lines.find((l) => new RegExp(`^ {2}${name}(?: \\(\\w+\\))? `).test(l)) ?? '';
    expect(row('MGAW')).toMatch(/21:16 {2}39 bits +Maximum guest address width$/);
    expect(row('SAGAW')).toMatch(/12:8 {2}48-bit \(4-level\) +Supported adjusted guest address widths$/);
    expect(row('FS1GP')).toMatch(/^ {2}FS1GP \(FL1GP\) +56 {2}no +First-stage 1-GByte page support$/);
    expect(row('SMTS')).toMatch(/43 {2}yes +Scalable mode translation support$/);
    expect(row('FSTS')).toMatch(/^ {2}FSTS \(FLTS\) +47 {2}yes /);
    // this unit has PSS 19 but no PASID support (ecap bit 40 is 0): no width is shown
    expect(row('PSS')).toMatch(/39:35 {2}none \(PASID not supported\) +PASID size supported$/);
    expect(run(['decode', '--ecap', '0x3ef9e86f050df']).stdout).toMatch(/39:35 {2}20 PASID bits +PASID size supported\n/);
    expect(run(['decode', '--cap', '0x10000000000']).stdout).toMatch(/47:40 {2}2 registers +Number of fault-recording registers\n/);
    expect(run(['decode', '--cap', '0x0']).stdout).toMatch(/47:40 {2}1 register +Number of fault-recording registers\n/);
    expect(row('NEST')).toMatch(/26 {2}yes /);
    expect(row('PASID')).toMatch(/40 {2}no /);
  });
});

describe('decode --json', () => {
  const out = decodeJson(['--cap', CAP, '--ecap', ECAP]);

  it('has every listed field with its bits, in bit order', () => {
    expect(out.capReg?.fields.map((f) => [f.field, f.linux, f.bits])).toEqual(CAP_FIELDS.map((f) => [f.name, f.linux, f.bits]));
    expect(out.ecapReg?.fields.map((f) => [f.field, f.linux, f.bits])).toEqual(ECAP_FIELDS.map((f) => [f.name, f.linux, f.bits]));
  });

  it('raw values are the register bits the list names', () => {
    for (const [reg, fields, value] of [
      [out.capReg, CAP_FIELDS, BigInt(CAP)],
      [out.ecapReg, ECAP_FIELDS, BigInt(ECAP)],
    ] as const) {
      fields.forEach((f, i) => expect(reg?.fields[i]?.raw, f.name).toBe(`0x${bitsOf(value, f).toString(16)}`));
    }
  });

  it('gives the meanings of the sample registers', () => {
    expect(meaningIn(out.capReg, 'MGAW')).toBe('39 bits');
    expect(meaningIn(out.capReg, 'SAGAW')).toBe('48-bit (4-level)');
    expect(meaningIn(out.capReg, 'FS1GP')).toBe('no');
    expect(meaningIn(out.capReg, 'ND')).toBe('256 domains');
    expect(meaningIn(out.capReg, 'FRO')).toBe('offset 0x400');
    expect(meaningIn(out.capReg, 'SLLPS')).toBe('2MB, 1GB');
    expect(meaningIn(out.ecapReg, 'SMTS')).toBe('yes');
    expect(meaningIn(out.ecapReg, 'FSTS')).toBe('yes');
    expect(meaningIn(out.ecapReg, 'PSS')).toBe('none (PASID not supported)');
    expect(meaningIn(out.ecapReg, 'IRO')).toBe('offset 0x500');
  });

  it('round-trips: fields and reserved bits rebuild the value, and decoding that value again gives the same JSON', () => {
    for (const [reg, fields] of [
      [out.capReg, CAP_FIELDS],
      [out.ecapReg, ECAP_FIELDS],
    ] as const) {
      if (!reg) throw new Error('missing register');
      const rebuilt = fields.reduce((acc, f, i) => acc | (BigInt(reg.fields[i]?.raw ?? 'x') << BigInt(f.lsb)), BigInt(reg.reserved));
      expect(`0x${rebuilt.toString(16)}`).toBe(reg.value);
    }
    expect(out.capReg?.value).toBe(CAP);
    expect(out.ecapReg?.value).toBe(ECAP);
    expect(decodeJson(['--cap', out.capReg?.value ?? '', '--ecap', out.ecapReg?.value ?? ''])).toEqual(out);
  });

  it('reports reserved bits and keeps bits 56..63 exact', () => {
    const r = run(['decode', '--cap', '0xffffffffffffffff', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('hiodkit decode: warning: cap_reg is 0xffffffffffffffff, all ones, which is what a read from an absent device returns; is the value right? It is decoded as given.\n');
    const all = JSON.parse(r.stdout) as JsonDecode;
    expect(all.ecapReg).toBeUndefined();
    expect(all.capReg?.value).toBe('0xffffffffffffffff');
    // bits 15:13, 38, 57 and 58 are not named in the list
    expect(all.capReg?.reserved).toBe('0x60000400000e000');
    expect(meaningIn(all.capReg, 'ESRTPS')).toBe('yes');
    const text = run(['decode', '--cap', '0x600000000000000']);
    expect(text.stdout.split('\n')[0]).toBe('cap_reg = 0x0600000000000000  (reserved bits set: 0x600000000000000)');
    expect(text.stderr).toBe('hiodkit decode: warning: cap_reg 0x600000000000000 has reserved bits set, 58:57 (0x600000000000000), which the VT-d specification leaves 0; is the value right? It is decoded as given.\n');
    expect(run(['decode', '--cap', '0x60000400000e000']).stderr).toContain('has reserved bits set, 58:57, 38, 15:13 (0x60000400000e000)');
  });

  it('accepts sysfs’s bare lowercase hex as well as 0x…', () => {
    expect(decodeJson(['--cap', 'd2008c40660462'])).toEqual(decodeJson(['--cap', CAP]));
    expect(decodeJson(['--ecap', '0X3EE9E86F050DF']).ecapReg?.value).toBe(ECAP);
  });
});

describe('decode --sysfs (the committed client fixture)', () => {
  const attr = (unit: string, name: string) => readFileSync(join(SYSFS, 'devices', 'virtual', 'iommu', unit, 'intel-iommu', name), 'utf8').trim();

  it('a PCI device reads the unit its iommu link names', () => {
    const r = run(['decode', '--sysfs', join(SYSFS, 'bus', 'pci', 'devices', '0000:02:00.0')]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('0000:02:00.0 via its iommu link: DMAR unit dmar1');
    expect(r.stdout).toContain(`cap_reg = 0x${attr('dmar1', 'cap').padStart(16, '0')}\n`);
    expect(r.stdout).toMatch(/^ {2}FS1GP \(FL1GP\) +56 {2}no /m);
  });

  it('--json gives the source and the unit’s registers', () => {
    const out = decodeJson(['--sysfs', join(SYSFS, 'bus', 'pci', 'devices', '0000:00:02.0')]);
    expect(out.source).toBe('0000:00:02.0 via its iommu link: DMAR unit dmar0');
    expect(out.capReg?.value).toBe(`0x${attr('dmar0', 'cap')}`);
    expect(out.ecapReg?.value).toBe(`0x${attr('dmar0', 'ecap')}`);
    expect(meaningIn(out.capReg, 'FS1GP')).toBe('yes');
    expect(meaningIn(out.capReg, 'MGAW')).toBe('39 bits');
  });

  it('a class/iommu/dmarN directory', () => {
    const out = decodeJson(['--sysfs', join(SYSFS, 'class', 'iommu', 'dmar1')]);
    expect(out.source).toBe('DMAR unit dmar1');
    expect(out.capReg?.value).toBe(CAP);
    expect(out.ecapReg?.value).toBe(`0x${attr('dmar1', 'ecap')}`);
  });

  it('the real binary, with a relative path: exit 0, no stack trace', () => {
    const b = runBin(['decode', '--sysfs', 'fixtures/sysfs-client/sys/class/iommu/dmar0', '--json']);
    expect(b.code).toBe(0);
    expect(hasStackTrace(b.stdout + b.stderr)).toBe(false);
    expect((JSON.parse(b.stdout) as JsonDecode).source).toBe('DMAR unit dmar0');
  }, 60_000);
});

describe('decode help', () => {
  it('--help exits 0', () => {
    const r = run(['decode', '-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hiodkit decode');
  });
});
