// The reference table: loading, the refusals of parseReferenceTable, C-printf rendering of the
// expected outcome and the attribution of a plugin's outcome to a row.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { u32, type HostIommuDevice, type Outcome } from '@hiodkit/core';
import {
  ReferenceTableError,
  attributeOutcome,
  canonicalCase,
  classifyCase,
  completenessProblems,
  expectedOutcome,
  loadReferenceTable,
  parseReferenceTable,
  realize,
  referenceTableUrl,
  rowFor,
  type Case,
  type ReferenceRow,
  type ReferenceTable,
} from '../src/index.js';

const ACCEL = { kconfig: { VTD_ACCEL: true } } as const;
const SEED_JSON = JSON.parse(readFileSync(referenceTableUrl('seed'), 'utf8')) as Record<string, unknown>;

/** A mutable deep copy of reference/seed.json. */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const seedJson = (): Json => structuredClone(SEED_JSON);

/** The problems parseReferenceTable gives for a table; fails the test when it accepts it. */
function refusal(json: unknown, source = 'test.json'): ReferenceTableError {
  try {
    parseReferenceTable(json, source);
  } catch (e) {
    if (e instanceof ReferenceTableError) return e;
    throw e;
  }
  throw new Error('parseReferenceTable accepted the table');
}

const table = loadReferenceTable('seed');
const row = (id: string): ReferenceRow => {
  const found = table.rows.find((r) => r.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
};

function withDevice(c: Case, device: Partial<HostIommuDevice>): Case {
  return { guest: c.guest, device: { ...c.device, ...device } };
}
function withType(c: Case, type: number): Case {
  return withDevice(c, { caps: { ...c.device.caps, type: u32(type) } });
}
/** The canonical case moved into the row's (first) conjunction. */
function caseIn(id: string): Case {
  const target = row(id).when[0] as Record<string, string>;
  const c = realize(canonicalCase(), target, 'seed', ACCEL);
  expect(rowFor(table, classifyCase(c, ACCEL)).id).toBe(id);
  return c;
}

describe('loadReferenceTable', () => {
  it('loads the seed table: profile, commit, the 11 rows in QEMU\'s order', () => {
    expect(table.profile).toBe('seed');
    expect(table.qemuCommit).toMatch(/^cca621c7/);
    expect(table.rows.map((r) => r.id)).toEqual([
      'caching-mode-off',
      'already-attached',
      'no-get-cap',
      'get-cap-fails',
      'aw-bits-exceed-host',
      'second-stage-accept',
      'accel-stub',
      'not-iommufd',
      'type-not-vtd',
      'fs1gp-unsupported',
      'first-stage-rejected',
    ]);
    expect(Object.keys(table.predicates)).toEqual(['cachingMode', 'duplicate', 'awBits', 'flts', 'vtdAccel', 'iommufd', 'vtdType', 'fs1gp', 'hostFs1gp']);
  });

  it('is the same parsed table every time (validated once)', () => {
    expect(loadReferenceTable('seed')).toBe(table);
  });

  it('the shipped JSON parses as it is', () => {
    expect(parseReferenceTable(seedJson(), 'reference/seed.json', 'seed').rows).toHaveLength(11);
  });

  it('refuses an unknown profile, naming the known ones', () => {
    expect(() => loadReferenceTable('nope' as never)).toThrow(/unknown profile "nope" \(known: aw-only, xflts-refuse, xflts-refuse-cm, xflts-refuse-fs, seed, bridge, relaxed, fsts, pasid\)/);
  });
});

describe('parseReferenceTable refuses a bad table with every reason', () => {
  it('a row removed: incomplete, naming a {…=…} combination that falls in no row', () => {
    const json = seedJson();
    json.rows = json.rows.filter((r: { id: string }) => r.id !== 'already-attached');
    const e = refusal(json, 'gap.json');
    expect(e).toBeInstanceOf(ReferenceTableError);
    expect(e.name).toBe('ReferenceTableError');
    expect(e.source).toBe('gap.json');
    expect(e.message.startsWith('gap.json: ')).toBe(true);
    expect(e.problems[0]).toMatch(/^incomplete: \{cachingMode=on, duplicate=yes, awBits=[a-z-]+, flts=(on|off), vtdAccel=[yn], iommufd=(yes|no), vtdType=(yes|no), fs1gp=(on|off), hostFs1gp=(set|clear)\} falls in no row$/);
    // 256 combinations have caching-mode on and a duplicate: five named, the rest counted
    expect(e.problems.filter((p) => p.startsWith('incomplete: '))).toHaveLength(5);
    expect(e.problems.at(-1)).toBe('… and 251 more combinations in no row');
    expect(e.problems.some((p) => p.includes('not disjoint'))).toBe(false);
  });

  it('an overlapping extra row: not disjoint, naming the combination and both rows', () => {
    const json = seedJson();
    json.rows.push({ id: 'extra-accept', spec: 'test', when: [{ cachingMode: 'off', flts: 'off', hostFs1gp: 'clear' }], expect: { accept: true } });
    const e = refusal(json);
    expect(e.problems[0]).toMatch(/^not disjoint: \{cachingMode=off, [^}]*flts=off[^}]*hostFs1gp=clear\} falls in rows caching-mode-off and extra-accept$/);
    expect(e.problems.every((p) => p.startsWith('not disjoint: ') || p.startsWith('… and '))).toBe(true);
    expect(e.problems.some((p) => p.startsWith('incomplete'))).toBe(false);
  });

  it('a duplicate row id', () => {
    const json = seedJson();
    json.rows[1].id = 'caching-mode-off';
    const e = refusal(json);
    expect(e.problems).toContain('rows[1] (caching-mode-off): duplicate row id');
  });

  it("a predicate's declared values outside the kit's domain (extra or missing)", () => {
    const json = seedJson();
    json.predicates.cachingMode = ['on', 'off', 'maybe'];
    json.predicates.hostFs1gp = ['set', 'unset'];
    const e = refusal(json);
    expect(e.problems).toContain('predicates.cachingMode: values must be exactly on, off');
    expect(e.problems).toContain('predicates.hostFs1gp: values must be exactly set, clear');
  });

  it('a row value outside the declared values of its predicate (in when, repair and break)', () => {
    const json = seedJson();
    json.rows[0].when[0].cachingMode = 'maybe';
    json.rows[9].repair = { hostFs1gp: 'sometimes' };
    json.rows[10].when[1].fs1gp = ['on', 'auto'];
    const e = refusal(json);
    expect(e.problems).toContain('rows[0] (caching-mode-off).when[0]: cachingMode=maybe is not one of on, off');
    expect(e.problems).toContain('rows[9] (fs1gp-unsupported).repair: hostFs1gp=sometimes is not one of set, clear');
    expect(e.problems).toContain('rows[10] (first-stage-rejected).when[1]: fs1gp=auto is not one of on, off');
  });

  it('a when (or break) using a predicate the table does not declare', () => {
    const json = seedJson();
    json.rows[10].when[0].aliased = 'no';
    json.rows[7].break = { iommufd: 'no', pasid: 'guest-gt-host' };
    const e = refusal(json);
    expect(e.problems).toContain('rows[10] (first-stage-rejected).when[0]: predicate aliased is not declared in predicates');
    expect(e.problems).toContain('rows[7] (not-iommufd).break: predicate pasid is not declared in predicates');
  });

  it('args that do not match the printf template, and hints that take arguments', () => {
    const json = seedJson();
    delete json.rows[8].expect.reject.args; // "Incompatible host platform IOMMU type %d"
    json.rows[4].expect.reject.args = ['guest.aw-bits', 'host.aw-bits', 'host.type']; // "aw-bits %d > host aw-bits %d"
    json.rows[1].expect.reject.args = ['host.type']; // "Host IOMMU device already exist"
    json.rows[6].expect.reject.hints = ['CONFIG_VTD_ACCEL is not enabled', 'width %d'];
    const e = refusal(json);
    expect(e.problems).toContain('rows[8] (type-not-vtd).expect.reject: the message takes 1 argument(s), args lists 0');
    expect(e.problems).toContain('rows[4] (aw-bits-exceed-host).expect.reject: the message takes 2 argument(s), args lists 3');
    expect(e.problems).toContain('rows[1] (already-attached).expect.reject: the message takes 0 argument(s), args lists 1');
    expect(e.problems).toContain('rows[6] (accel-stub).expect.reject.hints[1]: hints take no arguments');
  });

  it('counts a literal %% as no argument', () => {
    const json = seedJson();
    json.rows[1].expect.reject.message = '100%% already exist';
    expect(() => parseReferenceTable(json, 'pct.json')).not.toThrow();
  });

  it('a schema error: the message as a number, with the field path', () => {
    const json = seedJson();
    json.rows[0].expect.reject.message = 5;
    const e = refusal(json);
    expect(e.problems).toContain('table.rows[0].expect.reject.message: must be string');
  });

  it('a schema error: an extra property in a row and at the top, with the field path', () => {
    const json = seedJson();
    json.rows[2].severity = 'high';
    json.owner = 'me';
    const e = refusal(json);
    expect(e.problems).toContain('table.rows[2]: has unexpected property "severity"');
    expect(e.problems).toContain('table: has unexpected property "owner"');
  });

  it('a schema error: an arg name that is not one of the known arguments', () => {
    const json = seedJson();
    json.rows[8].expect.reject.args = ['host.flavour'];
    const e = refusal(json);
    expect(e.problems).toContain(
      'table.rows[8].expect.reject.args[0]: must be one of "guest.aw-bits", "host.aw-bits", "host.type", "guest.pasid-bits", "host.pasid-bits"',
    );
  });

  it('a schema error: an unknown predicate name, named in the problem', () => {
    const json = seedJson();
    json.predicates.cachingmode = ['on', 'off'];
    const e = refusal(json);
    expect(e.problems.some((p) => p.startsWith('table.predicates'))).toBe(true);
    // which of the table's predicates is wrong: the problem must say
    expect(e.problems.some((p) => p.includes('cachingmode'))).toBe(true);
  });

  it('a table for another profile than the one asked for', () => {
    expect(() => parseReferenceTable(seedJson(), 'x.json', 'bridge')).toThrow(/profile is seed, expected bridge/);
  });

  it('a single problem is the whole message after the source; several are listed one a line', () => {
    const one = seedJson();
    one.rows[1].id = 'caching-mode-off';
    expect(refusal(one, 'one.json').message).toBe('one.json: rows[1] (caching-mode-off): duplicate row id');
    const two = seedJson();
    two.rows[1].id = 'caching-mode-off';
    two.rows[2].id = 'caching-mode-off';
    expect(refusal(two, 'two.json').message).toBe('two.json: \n  rows[1] (caching-mode-off): duplicate row id\n  rows[2] (caching-mode-off): duplicate row id');
  });

  // A template the validator passes must be one expectedOutcome can render: otherwise the table is
  // accepted and every case in the row throws a FormatError out of the run.
  it('a message template with a conversion the kit cannot render', () => {
    const json = seedJson();
    json.rows[1].expect.reject.message = 'Host IOMMU device already exist at %q';
    const e = refusal(json);
    expect(e.problems.some((p) => p.startsWith('rows[1] (already-attached).expect.reject'))).toBe(true);
  });

  it('a %s conversion given a numeric argument', () => {
    const json = seedJson();
    json.rows[8].expect.reject.message = 'Incompatible host platform IOMMU type %s';
    const e = refusal(json);
    expect(e.problems.some((p) => p.startsWith('rows[8] (type-not-vtd).expect.reject'))).toBe(true);
  });
});

describe('completenessProblems', () => {
  const withoutRows = (...ids: string[]): ReferenceTable => ({ ...table, rows: table.rows.filter((r) => !ids.includes(r.id)) });

  it('is empty for the seed table', () => {
    expect(completenessProblems(table)).toEqual([]);
  });

  it('limits what it names and counts the rest, gaps and overlaps separately', () => {
    const gappy = withoutRows('already-attached');
    const overlapping: ReferenceTable = {
      ...gappy,
      rows: [...gappy.rows, { id: 'extra', spec: 'test', when: [{ cachingMode: 'off' }], expect: { accept: true } }],
    };
    const problems = completenessProblems(overlapping, 2);
    expect(problems.filter((p) => p.startsWith('incomplete: '))).toHaveLength(2);
    expect(problems.filter((p) => p.startsWith('not disjoint: '))).toHaveLength(2);
    expect(problems).toContain('… and 254 more combinations in no row');
    // 4 × 2^8 = 1024 combinations, half of them with caching-mode off: 512 overlap
    expect(problems).toContain('… and 510 more combinations in several rows');
    expect(problems).toHaveLength(6);
  });

  it('with limit 0 names nothing, only the counts', () => {
    expect(completenessProblems(withoutRows('second-stage-accept'), 0)).toEqual(['… and 32 more combinations in no row']);
  });

  it('names every gap when there are no more than the limit', () => {
    // second-stage-accept covers 2^5 = 32 combinations (vtdAccel, iommufd, vtdType, fs1gp, hostFs1gp free)
    const problems = completenessProblems(withoutRows('second-stage-accept'), 32);
    expect(problems).toHaveLength(32);
    expect(problems.every((p) => /^incomplete: \{cachingMode=on, duplicate=no, awBits=guest-le-host, flts=off, .*\} falls in no row$/.test(p))).toBe(true);
    expect(new Set(problems).size).toBe(32);
  });
});

describe('expectedOutcome renders the row with C printf semantics', () => {
  it('type 0xffffffff prints as %d of a uint32: -1', () => {
    const c = withType(caseIn('type-not-vtd'), 0xffff_ffff);
    expect(expectedOutcome(row('type-not-vtd'), c)).toEqual({ ok: false, error: { message: 'Incompatible host platform IOMMU type -1', hints: [] } });
  });

  it('type 0x80000000 prints as -2147483648', () => {
    const c = withType(caseIn('type-not-vtd'), 0x8000_0000);
    expect(expectedOutcome(row('type-not-vtd'), c)).toEqual({ ok: false, error: { message: 'Incompatible host platform IOMMU type -2147483648', hints: [] } });
  });

  it('type 0x7fffffff and small types print unchanged', () => {
    const base = caseIn('type-not-vtd');
    const message = (t: number) => {
      const o = expectedOutcome(row('type-not-vtd'), withType(base, t));
      return o.ok ? 'accept' : o.error.message;
    };
    expect(message(0x7fff_ffff)).toBe('Incompatible host platform IOMMU type 2147483647');
    expect(message(0)).toBe('Incompatible host platform IOMMU type 0');
    expect(message(3)).toBe('Incompatible host platform IOMMU type 3');
  });

  it('aw-bits: the guest and the host address widths, in that order', () => {
    const c = withDevice(caseIn('aw-bits-exceed-host'), { awBits: { kind: 'value', bits: 39 } });
    expect(c.guest.props.awBits).toBe(48);
    expect(expectedOutcome(row('aw-bits-exceed-host'), c)).toEqual({ ok: false, error: { message: 'aw-bits 48 > host aw-bits 39', hints: [] } });
  });

  it('aw-bits of a case whose get_cap gives no value cannot be rendered', () => {
    const c = withDevice(caseIn('aw-bits-exceed-host'), { awBits: { kind: 'no-get-cap' } });
    expect(() => expectedOutcome(row('aw-bits-exceed-host'), c)).toThrow(RangeError);
  });

  it("propagate returns get_cap's error unchanged, hints included", () => {
    const error = { message: '0000:02:00.0: unsupported capability 1 %d', hints: ['first hint\n', 'second'] };
    const c = withDevice(caseIn('get-cap-fails'), { awBits: { kind: 'error', error } });
    expect(expectedOutcome(row('get-cap-fails'), c)).toEqual({ ok: false, error });
  });

  it('propagate on a case whose get_cap sets no error is a kit error', () => {
    expect(() => expectedOutcome(row('get-cap-fails'), canonicalCase())).toThrow(/get-cap-fails propagates get_cap's error/);
  });

  it('accept rows give { ok: true }; the stub row gives its hint as written', () => {
    expect(expectedOutcome(row('second-stage-accept'), canonicalCase())).toEqual({ ok: true });
    expect(expectedOutcome(row('accel-stub'), canonicalCase())).toEqual({
      ok: false,
      error: { message: 'host IOMMU cannot be checked!', hints: ['CONFIG_VTD_ACCEL is not enabled'] },
    });
  });

  it('messages without conversions are taken literally (a period, parentheses)', () => {
    const c = canonicalCase();
    const messageOf = (id: string) => {
      const o = expectedOutcome(row(id), c);
      return o.ok ? 'accept' : o.error.message;
    };
    expect(messageOf('caching-mode-off')).toBe('Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.');
    expect(messageOf('no-get-cap')).toBe('.get_cap() not implemented');
  });
});

describe('attributeOutcome', () => {
  const reject = (message: string, hints: string[] = []): Outcome => ({ ok: false, error: { message, hints } });

  it('exact: the outcome the row prescribes for this case', () => {
    const c = withType(caseIn('type-not-vtd'), 0xffff_ffff);
    expect(attributeOutcome(table, c, reject('Incompatible host platform IOMMU type -1'))).toEqual({ row: row('type-not-vtd'), exact: true });
    const aw = withDevice(caseIn('aw-bits-exceed-host'), { awBits: { kind: 'value', bits: 39 } });
    expect(attributeOutcome(table, aw, reject('aw-bits 48 > host aw-bits 39'))).toEqual({ row: row('aw-bits-exceed-host'), exact: true });
  });

  it('exact for a message of a row other than the case is in', () => {
    expect(attributeOutcome(table, canonicalCase(), reject('Need IOMMUFD backend when x-flts=on'))).toEqual({ row: row('not-iommufd'), exact: true });
  });

  it('by template: the row the message comes from, with other arguments', () => {
    const c = withType(caseIn('type-not-vtd'), 3);
    expect(attributeOutcome(table, c, reject('Incompatible host platform IOMMU type 7'))).toEqual({ row: row('type-not-vtd'), exact: false });
    // %u of the same type: the digits are not what %d gives
    const big = withType(caseIn('type-not-vtd'), 0xffff_ffff);
    expect(attributeOutcome(table, big, reject('Incompatible host platform IOMMU type 4294967295'))).toEqual({ row: row('type-not-vtd'), exact: false });
    const aw = withDevice(caseIn('aw-bits-exceed-host'), { awBits: { kind: 'value', bits: 39 } });
    expect(attributeOutcome(table, aw, reject('aw-bits 39 > host aw-bits 48'))).toEqual({ row: row('aw-bits-exceed-host'), exact: false });
  });

  it('by template even when the row has no arguments for this case (get_cap gave no value)', () => {
    const c = withDevice(canonicalCase(), { awBits: { kind: 'no-get-cap' } });
    expect(attributeOutcome(table, c, reject('aw-bits 48 > host aw-bits 12'))).toEqual({ row: row('aw-bits-exceed-host'), exact: false });
  });

  it("propagate: exactly get_cap's message on a case whose get_cap failed", () => {
    const error = { message: 'vfio: unsupported capability 1', hints: [] };
    const c = withDevice(caseIn('get-cap-fails'), { awBits: { kind: 'error', error } });
    expect(attributeOutcome(table, c, reject('vfio: unsupported capability 1'))).toEqual({ row: row('get-cap-fails'), exact: true });
    // the same text on a case whose get_cap answered comes from no row
    expect(attributeOutcome(table, canonicalCase(), reject('vfio: unsupported capability 1'))).toBeUndefined();
  });

  it('accept', () => {
    expect(attributeOutcome(table, canonicalCase(), { ok: true })).toEqual({ row: 'accept', exact: true });
  });

  it('unattributable: a message no row has, a message with extra text, a regex metacharacter taken literally', () => {
    const c = canonicalCase();
    expect(attributeOutcome(table, c, reject('something else went wrong'))).toBeUndefined();
    expect(attributeOutcome(table, c, reject('Host IOMMU device already exists'))).toBeUndefined();
    expect(attributeOutcome(table, c, reject('Xget_cap() not implemented'))).toBeUndefined();
    expect(attributeOutcome(table, c, reject('Device assignment is not allowed without enabling caching-mode=on for Intel IOMMUx'))).toBeUndefined();
    expect(attributeOutcome(table, c, reject('Incompatible host platform IOMMU type 0x1'))).toBeUndefined();
    expect(attributeOutcome(table, c, reject('Incompatible host platform IOMMU type '))).toBeUndefined();
  });
});
