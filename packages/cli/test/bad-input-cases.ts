/*
 * Malformed inputs and what hiodkit must say about them: the data behind bad-input.test.ts and
 * docs/BAD-INPUT.md (rendered by render-bad-input-doc.ts). Pure data: importing it does nothing.
 *
 * Placeholders, replaced by the test in argv, file contents, symlink targets and expected messages:
 *   {tmp}       the case's own temporary directory (files are created there first)
 *   {node}      the path of the node binary running the tests
 *   {fixtures}  packages/cli/test/fixtures
 *   {hosts}     packages/cli/hosts (the sample hosts)
 *   {machines}  packages/cli/fixtures/machines (the real machines' sysfs trees)
 */

export type BadInputArea = 'arguments' | 'host JSON' | 'sysfs' | 'guest properties' | 'QEMU command line' | 'libvirt domain' | 'plugin module' | 'protocol' | 'output';

export const BAD_INPUT_AREAS: readonly BadInputArea[] = ['arguments', 'host JSON', 'sysfs', 'guest properties', 'QEMU command line', 'libvirt domain', 'plugin module', 'protocol', 'output'];

/** Something to create under {tmp} before the case runs, keyed by its relative path; `mode` is set once the tree is made. */
export type TreeEntry =
  /** text written as UTF-8, or in `encoding` */
  | { readonly kind: 'file'; readonly text: string; readonly encoding?: 'utf16le' | 'utf16be' | 'latin1'; readonly mode?: number }
  | { readonly kind: 'dir'; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly target: string }
  /** `bytes` zero bytes, written with one Buffer.alloc */
  | { readonly kind: 'zeros'; readonly bytes: number }
  /** a file of `bytes` bytes that takes no disk: a hole, made by truncate */
  | { readonly kind: 'sparse'; readonly bytes: number }
  /** a named pipe with no writer: reading it would wait forever */
  | { readonly kind: 'fifo' };

export interface BadInputCase {
  /** unique, kebab-case */
  readonly id: string;
  readonly area: BadInputArea;
  /** what is wrong with the input, for people */
  readonly input: string;
  readonly argv: readonly string[];
  /** environment variables set for the run (and nothing else of the test's environment) */
  readonly env?: Readonly<Record<string, string>>;
  readonly files?: Readonly<Record<string, TreeEntry>>;
  /** 2: bad usage or bad input; 1: nonconformant or incompatible, 0 decoded (a value used as given, with a warning), or a closed pipe */
  readonly expectedCode: 0 | 1 | 2;
  /** [the field, file or option the message names, a fragment of the reason, any further fragments]; [] for nothing on stderr */
  readonly messageMustContain: readonly [string, string, ...string[]] | readonly [];
  /** where that message is printed: stderr (default) or, for a nonconformance report, stdout */
  readonly stream?: 'stderr' | 'stdout';
  /** the case also runs the real binary in a child process (a handful: it is slow) */
  readonly spawn?: boolean;
  /** runs only as the real binary, in a child whose stdout is a closed pipe or /dev/full, that cannot override file modes, or that may block */
  readonly child?: 'stdout-closed' | 'stdout-full' | 'unprivileged' | 'may-block';
}

// ---------------------------------------------------------------------------------------------
// host JSON helpers

/** A valid host description (the bundled server sample), as a plain JSON value. */
function baseHost(): Record<string, unknown> {
  return {
    name: '0000:17:00.0',
    backend: 'iommufd',
    caps: { type: 1, hwCaps: '0x6', vtd: { flags: 0, capReg: '0x9ed008c40780466', ecapReg: '0x3ee9e86f050df' } },
    awBits: 48,
  };
}

const BASE_HOST_TEXT = JSON.stringify(baseHost(), null, 2);

/** The base host with `path` (dot-separated) set to `value`, or deleted when value is undefined. */
function hostWith(path: string, value: unknown): string {
  const host = baseHost();
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = host;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return JSON.stringify(host, null, 2);
}

/** The base host's text with one literal piece of text replaced (for JSON no object can produce). */
function hostTextReplacing(search: string, replacement: string): string {
  if (!BASE_HOST_TEXT.includes(search)) throw new Error(`bad-input-cases: ${search} is not in the base host`);
  return BASE_HOST_TEXT.replace(search, replacement);
}

function hostCase(id: string, input: string, text: string, messageMustContain: BadInputCase['messageMustContain'], extra: Partial<BadInputCase> = {}): BadInputCase {
  return hostFileCase(id, input, { kind: 'file', text }, messageMustContain, extra);
}

/** `check --host {tmp}/host.json` with host.json made as `entry` says. */
function hostFileCase(id: string, input: string, entry: TreeEntry, messageMustContain: BadInputCase['messageMustContain'], extra: Partial<BadInputCase> = {}): BadInputCase {
  return { id, area: 'host JSON', input, argv: ['check', '--host', '{tmp}/host.json'], files: { 'host.json': entry }, expectedCode: 2, messageMustContain, ...extra };
}

// ---------------------------------------------------------------------------------------------
// sysfs helpers

/** A DMAR unit's intel-iommu attribute files under `dir`, as the kernel writes them, with overrides. */
function unitFiles(dir: string, overrides: Partial<Record<'cap' | 'ecap' | 'version' | 'address', string | null>> = {}): Record<string, TreeEntry> {
  const attrs: Record<'cap' | 'ecap' | 'version' | 'address', string> = { cap: 'd2008c40660462\n', ecap: 'f050da\n', version: '5:0\n', address: 'fed91000\n' };
  const files: Record<string, TreeEntry> = { [`${dir}/intel-iommu`]: { kind: 'dir' } };
  for (const name of ['cap', 'ecap', 'version', 'address'] as const) {
    const override = overrides[name];
    if (override === null) continue;
    files[`${dir}/intel-iommu/${name}`] = { kind: 'file', text: override ?? attrs[name] };
  }
  return files;
}

/** A DMAR unit under {tmp}/dmar1 with one attribute replaced, read by `decode --sysfs`. */
function unitCase(id: string, input: string, overrides: Parameters<typeof unitFiles>[1], messageMustContain: BadInputCase['messageMustContain']): BadInputCase {
  return { id, area: 'sysfs', input, argv: ['decode', '--sysfs', '{tmp}/dmar1'], files: unitFiles('dmar1', overrides), expectedCode: 2, messageMustContain };
}

/** A DMAR unit under {tmp}/dmar1 whose cap is made as `cap` says, read by `decode --sysfs`. */
function capCase(id: string, input: string, cap: TreeEntry, messageMustContain: BadInputCase['messageMustContain'], extra: Partial<BadInputCase> = {}): BadInputCase {
  return { id, area: 'sysfs', input, argv: ['decode', '--sysfs', '{tmp}/dmar1'], files: { ...unitFiles('dmar1', { cap: null }), 'dmar1/intel-iommu/cap': cap }, expectedCode: 2, messageMustContain, ...extra };
}

/** A PCI device directory {tmp}/devices/0000:02:00.0 whose iommu link names ../../iommu/dmar1. */
function pciDevice(bdf = '0000:02:00.0'): Record<string, TreeEntry> {
  return { [`devices/${bdf}`]: { kind: 'dir' }, [`devices/${bdf}/iommu`]: { kind: 'symlink', target: '../../iommu/dmar1' } };
}

/** `check --sysfs {tmp}/devices/<bdf>` on the tree `files` makes. */
function pciCase(id: string, input: string, files: Readonly<Record<string, TreeEntry>>, messageMustContain: BadInputCase['messageMustContain'], bdf = '0000:02:00.0', extra: Partial<BadInputCase> = {}): BadInputCase {
  return { id, area: 'sysfs', input, argv: ['check', '--sysfs', `{tmp}/devices/${bdf}`], files, expectedCode: 2, messageMustContain, ...extra };
}

// ---------------------------------------------------------------------------------------------
// protocol helpers

function execCase(id: string, input: string, script: string, expectedCode: 1 | 2, messageMustContain: BadInputCase['messageMustContain'], extraArgs: readonly string[] = [], extra: Partial<BadInputCase> = {}): BadInputCase {
  return {
    id,
    area: 'protocol',
    input,
    argv: ['conform', '--exec', `{node} {fixtures}/protocol-cli/${script}`, ...extraArgs],
    expectedCode,
    messageMustContain,
    ...extra,
  };
}


// ---------------------------------------------------------------------------------------------
// VM description helpers

/** `check --qemu-args {tmp}/args.txt` of `text` against the Tiger Lake fixture, at QEMU 11.0. */
function argsCase(id: string, input: string, text: string, messageMustContain: BadInputCase['messageMustContain'], extra: Partial<BadInputCase> = {}): BadInputCase {
  return { id, area: 'QEMU command line', input, argv: ['check', '--qemu-args', '{tmp}/args.txt', '--sysfs', '{machines}/tgl-nuc11pahi7/sys', '--qemu', '11.0'], files: { 'args.txt': { kind: 'file', text } }, expectedCode: 2, messageMustContain, ...extra };
}

/** `check --libvirt {tmp}/domain.xml` of `text`, likewise. */
function domainCase(id: string, input: string, text: string, messageMustContain: BadInputCase['messageMustContain'], extra: Partial<BadInputCase> = {}): BadInputCase {
  return { id, area: 'libvirt domain', input, argv: ['check', '--libvirt', '{tmp}/domain.xml', '--sysfs', '{machines}/tgl-nuc11pahi7/sys', '--qemu', '11.0'], files: { 'domain.xml': { kind: 'file', text } }, expectedCode: 2, messageMustContain, ...extra };
}

const Q35 = 'qemu-system-x86_64 -machine q35 -device intel-iommu,caching-mode=on';
const DOMAIN = (devices: string, extra = '') => `<domain type='kvm'${extra}><os><type machine='q35'>hvm</type></os><devices><controller type='pci' index='0' model='pcie-root'/>${devices}</devices></domain>`;
const HOSTDEV = "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0' slot='2' function='0'/></source><address type='pci' bus='0' slot='3' function='0'/></hostdev>";

// ---------------------------------------------------------------------------------------------

const CONFORM_VTD = ['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '1'] as const;

export const BAD_INPUT_CASES: readonly BadInputCase[] = [
  // ----- arguments -----
  { id: 'args-unknown-command', area: 'arguments', input: 'an unknown command', argv: ['frobnicate'], expectedCode: 2, messageMustContain: ['"frobnicate"', 'unknown command'], spawn: true },
  { id: 'args-no-command', area: 'arguments', input: 'no command at all', argv: [], expectedCode: 2, messageMustContain: ['Usage: hiodkit <command>', 'Commands:'], stream: 'stdout' },
  { id: 'args-unknown-command-escape', area: 'arguments', input: 'an unknown command that is an escape sequence (clear screen)', argv: ['\x1b[2J'], expectedCode: 2, messageMustContain: ['"\\x1b[2J"', 'unknown command'] },
  { id: 'args-profile-10000-chars', area: 'arguments', input: 'a --profile of 10 000 characters', argv: ['check', '--profile', 'p'.repeat(10_000)], expectedCode: 2, messageMustContain: ['--profile', '… (10000 chars)" is not one of aw-only'] },
  { id: 'args-unknown-option-newline', area: 'arguments', input: 'an unknown option with a line break and a forged line', argv: ['check', '--x\nqemu-system-x86_64: forged'], expectedCode: 2, messageMustContain: ["'--x\\nqemu-system-x86_64: forged'", 'unknown option'] },
  { id: 'args-unknown-option', area: 'arguments', input: 'an unknown option', argv: ['check', '--frob'], expectedCode: 2, messageMustContain: ["'--frob'", 'unknown option'] },
  { id: 'args-positional', area: 'arguments', input: 'a stray positional argument', argv: ['check', 'hosts/server.json'], expectedCode: 2, messageMustContain: ["'hosts/server.json'", 'Unexpected argument'] },
  { id: 'args-missing-value', area: 'arguments', input: '--host without its value', argv: ['check', '--host'], expectedCode: 2, messageMustContain: ["'--host <value>'", 'argument missing'] },
  { id: 'args-runs-zero', area: 'arguments', input: '--runs 0', argv: ['conform', '--runs', '0'], expectedCode: 2, messageMustContain: ['--runs', '0 is outside 1..1000000'] },
  { id: 'args-runs-negative', area: 'arguments', input: '--runs -1 (as --runs=-1)', argv: ['conform', '--runs=-1'], expectedCode: 2, messageMustContain: ['--runs', '-1 is outside 1..1000000'] },
  { id: 'args-runs-negative-ambiguous', area: 'arguments', input: '--runs -1 (the value looks like an option)', argv: ['conform', '--runs', '-1'], expectedCode: 2, messageMustContain: ["'--runs'", 'ambiguous'] },
  { id: 'args-runs-fraction', area: 'arguments', input: '--runs 1.5', argv: ['conform', '--runs', '1.5'], expectedCode: 2, messageMustContain: ['--runs', 'expected an integer, got "1.5"'] },
  { id: 'args-runs-word', area: 'arguments', input: '--runs abc', argv: ['conform', '--runs', 'abc'], expectedCode: 2, messageMustContain: ['--runs', 'expected an integer, got "abc"'] },
  { id: 'args-runs-exponent', area: 'arguments', input: '--runs 2e9', argv: ['conform', '--runs', '2e9'], expectedCode: 2, messageMustContain: ['--runs', 'expected an integer, got "2e9"'] },
  { id: 'args-runs-huge', area: 'arguments', input: '--runs 2000000000', argv: ['conform', '--runs', '2000000000'], expectedCode: 2, messageMustContain: ['--runs', 'outside 1..1000000'] },
  { id: 'args-seed-not-integer', area: 'arguments', input: '--seed 0x10', argv: ['conform', '--seed', '0x10'], expectedCode: 2, messageMustContain: ['--seed', 'expected an integer, got "0x10"'] },
  { id: 'args-seed-out-of-range', area: 'arguments', input: '--seed 2^31', argv: ['conform', '--seed', '2147483648'], expectedCode: 2, messageMustContain: ['--seed', 'outside -2147483648..2147483647'] },
  { id: 'args-seed-env-out-of-range', area: 'arguments', input: 'HIODKIT_SEED past the range --seed takes', argv: [...CONFORM_VTD], env: { HIODKIT_SEED: '99999999999' }, expectedCode: 2, messageMustContain: ['HIODKIT_SEED', '99999999999 is outside -2147483648..2147483647'] },
  { id: 'args-seed-env-hex', area: 'arguments', input: 'HIODKIT_SEED in hex', argv: [...CONFORM_VTD], env: { HIODKIT_SEED: '0x10' }, expectedCode: 2, messageMustContain: ['HIODKIT_SEED', 'expected an integer, got "0x10"'] },
  { id: 'args-time-limit-zero', area: 'arguments', input: '--time-limit 0', argv: ['conform', '--time-limit', '0'], expectedCode: 2, messageMustContain: ['--time-limit', 'outside 1..3600000'] },
  { id: 'args-profile-unknown', area: 'arguments', input: 'an unknown --profile', argv: ['check', '--profile', 'latest'], expectedCode: 2, messageMustContain: ['--profile', '"latest" is not one of aw-only, xflts-refuse, xflts-refuse-cm, xflts-refuse-fs, seed, bridge, relaxed, fsts, pasid'] },
  { id: 'args-conform-profile-unknown', area: 'arguments', input: 'an unknown conform --profile', argv: ['conform', '--profile', 'v10'], expectedCode: 2, messageMustContain: ['--profile', '"v10" is not one of'] },
  { id: 'args-backend-unknown', area: 'arguments', input: 'an unknown --backend', argv: ['check', '--backend', 'vfio'], expectedCode: 2, messageMustContain: ['--backend', '"vfio" is not one of iommufd, legacy'] },
  { id: 'args-builtin-unknown', area: 'arguments', input: 'an unknown --builtin', argv: ['conform', '--builtin', 'amd'], expectedCode: 2, messageMustContain: ['--builtin', '"amd" is not one of all, vtd, stub'] },
  { id: 'args-host-and-sysfs', area: 'arguments', input: '--host and --sysfs together', argv: ['check', '--host', '{hosts}/server.json', '--sysfs', '/sys'], expectedCode: 2, messageMustContain: ['--host or --sysfs', 'not both'] },
  { id: 'args-plugin-and-exec', area: 'arguments', input: '--plugin and --exec together', argv: ['conform', '--plugin', '{fixtures}/good-plugin.ts', '--exec', 'true'], expectedCode: 2, messageMustContain: ['--plugin, --exec and --builtin', 'give one of'] },
  { id: 'args-export-without-plugin', area: 'arguments', input: '--export without --plugin', argv: ['conform', '--export', 'plugin'], expectedCode: 2, messageMustContain: ['--export', 'names an export of --plugin'] },
  { id: 'args-path-without-seed', area: 'arguments', input: '--path without --seed', argv: [...CONFORM_VTD, '--property', 'contract', '--path', '0:0'], expectedCode: 2, messageMustContain: ['replay path', 'needs the seed it was found with'] },
  { id: 'args-path-two-properties', area: 'arguments', input: '--path with two --property', argv: [...CONFORM_VTD, '--seed', '1', '--property', 'contract', '--property', 'stub', '--path', '0:0'], expectedCode: 2, messageMustContain: ['replay path', 'needs exactly one property'] },
  ...(
    [
      ['x-y', 'x:y', 'not a number'],
      ['negative', '-1', 'a negative index'],
      ['exponent', '1e3', 'an exponent'],
      ['empty', '', 'empty'],
      ['leading-zero', '01:2', 'a leading zero'],
    ] as const
  ).map(([id, path, what]): BadInputCase => ({ id: `args-path-form-${id}`, area: 'arguments', input: `--path ${JSON.stringify(path)}: ${what}, not fast-check's form`, argv: [...CONFORM_VTD, '--seed', '1', '--property', 'contract', `--path=${path}`], expectedCode: 2, messageMustContain: ['path', 'is not a fast-check path', "joined by ':'"] })),
  { id: 'args-path-deep', area: 'arguments', input: 'a 10,001-step --path', argv: [...CONFORM_VTD, '--seed', '1', '--property', 'contract', '--path', Array.from({ length: 10_001 }, () => '0').join(':')], expectedCode: 2, messageMustContain: ['path', 'has 10001 steps; a replay path has at most 10000'] },
  { id: 'args-path-past-the-run', area: 'arguments', input: '--path 5000 for a run of --runs 1', argv: [...CONFORM_VTD, '--seed', '1', '--property', 'contract', '--path', '5000'], expectedCode: 2, messageMustContain: ['path "5000"', 'starts at case 5000, but this run makes', 'replay with the --runs'] },
  { id: 'args-path-huge-index', area: 'arguments', input: '--path 999999999, which fast-check would generate its way up to', argv: [...CONFORM_VTD, '--seed', '1', '--property', 'contract', '--path', '999999999'], expectedCode: 2, messageMustContain: ['path "999999999"', 'starts at case 999999999'] },
  { id: 'args-path-past-the-shrinks', area: 'arguments', input: '--path 0:99999999, a shrink step no case has', argv: [...CONFORM_VTD, '--seed', '1', '--property', 'contract', '--path', '0:99999999'], expectedCode: 2, messageMustContain: ['path 0:99999999', 'does not name a case of contract with seed 1'] },
  { id: 'args-known-failure-bad-form', area: 'arguments', input: '--known-failure with a seed but no path', argv: [...CONFORM_VTD, '--known-failure', 'contract@5'], expectedCode: 2, messageMustContain: ['--known-failure "contract@5"', 'ID@SEED:PATH'] },
  { id: 'args-property-unknown', area: 'arguments', input: 'an unknown --property ID', argv: [...CONFORM_VTD, '--property', 'no-such-property'], expectedCode: 2, messageMustContain: ['"no-such-property"', 'unknown property ID'] },
  { id: 'args-property-glob-unmatched', area: 'arguments', input: 'a --property glob that matches no property ID', argv: [...CONFORM_VTD, '--property', 'precedence-*'], expectedCode: 2, messageMustContain: ['--property "precedence-*"', 'matches no property ID (known: contract, table-equivalence, precedence/first-failure'] },
  { id: 'args-known-failure-unknown', area: 'arguments', input: 'an unknown --known-failure ID', argv: [...CONFORM_VTD, '--known-failure', 'flaky'], expectedCode: 2, messageMustContain: ['knownFailures[0]: unknown property ID "flaky"', 'known: contract'] },
  { id: 'args-exec-unterminated-quote', area: 'arguments', input: '--exec with an unterminated quote', argv: ['conform', '--exec', 'node "my plugin.mjs'], expectedCode: 2, messageMustContain: ['--exec', 'unterminated " quote'] },
  { id: 'args-exec-empty', area: 'arguments', input: 'an empty --exec', argv: ['conform', '--exec', '   '], expectedCode: 2, messageMustContain: ['--exec', 'the command is empty'] },
  { id: 'args-host-aw-bits-zero', area: 'arguments', input: '--host-aw-bits 0', argv: ['check', '--host-aw-bits', '0'], expectedCode: 2, messageMustContain: ['--host-aw-bits', '0 is outside 1..64'] },
  { id: 'args-host-aw-bits-huge', area: 'arguments', input: '--host-aw-bits 99999999999999999999, past 2^53', argv: ['check', '--host-aw-bits', '99999999999999999999'], expectedCode: 2, messageMustContain: ['--host-aw-bits', '99999999999999999999 is outside 1..64'] },
  { id: 'args-host-aw-bits-65', area: 'arguments', input: '--host-aw-bits 65', argv: ['check', '--host-aw-bits', '65'], expectedCode: 2, messageMustContain: ['--host-aw-bits', '65 is outside 1..64'] },
  { id: 'args-decode-nothing', area: 'arguments', input: 'decode with no register', argv: ['decode'], expectedCode: 2, messageMustContain: ['--cap HEX', 'give'] },
  { id: 'args-decode-cap-not-hex', area: 'arguments', input: 'decode --cap xyz', argv: ['decode', '--cap', 'xyz'], expectedCode: 2, messageMustContain: ['--cap', '"xyz" is not hexadecimal'] },
  { id: 'args-decode-cap-17-digits', area: 'arguments', input: 'decode --cap 0x + 17 hex digits', argv: ['decode', '--cap', '0x10000000000000000'], expectedCode: 2, messageMustContain: ['--cap', 'does not fit a u64'] },
  { id: 'args-decode-cap-negative', area: 'arguments', input: 'decode --cap=-0x1', argv: ['decode', '--cap=-0x1'], expectedCode: 2, messageMustContain: ['--cap', 'is negative; a u64 is unsigned'] },
  { id: 'args-decode-ecap-uppercase-bare', area: 'arguments', input: 'decode --ecap in bare uppercase hex', argv: ['decode', '--ecap', 'F050DA'], expectedCode: 2, messageMustContain: ['--ecap', 'is not hexadecimal'] },
  { id: 'args-json-unwritable', area: 'arguments', input: 'conform --json into a directory that does not exist', argv: [...CONFORM_VTD, '--property', 'contract', '--json', '{tmp}/no-such-dir/report.json'], expectedCode: 2, messageMustContain: ['{tmp}/no-such-dir/report.json', 'ENOENT'] },
  { id: 'args-junit-unwritable', area: 'arguments', input: 'conform --junit onto a directory', argv: [...CONFORM_VTD, '--property', 'contract', '--junit', '{tmp}'], expectedCode: 2, messageMustContain: ['{tmp}', 'EISDIR'] },
  { id: 'args-html-unwritable', area: 'arguments', input: 'conform --html into a directory that does not exist', argv: [...CONFORM_VTD, '--property', 'contract', '--html', '{tmp}/no-such-dir/report.html'], expectedCode: 2, messageMustContain: ['{tmp}/no-such-dir/report.html', 'ENOENT'] },
  { id: 'args-two-outputs-on-stdout', area: 'arguments', input: 'conform --json - and --junit -: two documents for one stdout', argv: [...CONFORM_VTD, '--property', 'contract', '--json', '-', '--junit', '-'], expectedCode: 2, messageMustContain: ['--json - and --junit -', 'only one output can go to stdout'] },
  { id: 'args-repeated-profile', area: 'arguments', input: '--profile given twice', argv: ['check', '--profile', 'seed', '--profile', 'relaxed'], expectedCode: 2, messageMustContain: ['--profile', 'given twice ("seed", then "relaxed"); give it once'] },
  { id: 'args-repeated-cap', area: 'arguments', input: 'decode --cap given twice', argv: ['decode', '--cap', '0x1', '--cap=0x2'], expectedCode: 2, messageMustContain: ['--cap', 'given twice ("0x1", then "0x2")'] },
  { id: 'args-repeated-host', area: 'arguments', input: '--host given twice, the same file both times', argv: ['check', '--host', '{hosts}/server.json', '--host', '{hosts}/server.json'], expectedCode: 2, messageMustContain: ['--host', 'given twice'] },
  { id: 'args-repeated-conform-seed', area: 'arguments', input: 'conform --seed given twice', argv: [...CONFORM_VTD, '--seed', '1', '--seed', '2'], expectedCode: 2, messageMustContain: ['--seed', 'given twice ("1", then "2")'] },
  { id: 'args-repeated-runs', area: 'arguments', input: 'conform --runs given twice (CONFORM_VTD already sets it)', argv: [...CONFORM_VTD, '--runs', '5'], expectedCode: 2, messageMustContain: ['--runs', 'given twice ("1", then "5")'] },
  { id: 'args-sysfs-empty', area: 'arguments', input: "check --sysfs ''", argv: ['check', '--sysfs', ''], expectedCode: 2, messageMustContain: ['--sysfs', 'the path is empty'] },
  { id: 'args-decode-sysfs-empty', area: 'arguments', input: "decode --sysfs=''", argv: ['decode', '--sysfs='], expectedCode: 2, messageMustContain: ['--sysfs', 'the path is empty'] },
  { id: 'args-host-empty', area: 'arguments', input: "check --host ''", argv: ['check', '--host', ''], expectedCode: 2, messageMustContain: ['--host', 'the path is empty'] },
  { id: 'args-decode-cap-reserved', area: 'arguments', input: 'decode --cap with reserved bits 58:57 set: decoded, with a warning', argv: ['decode', '--cap', '0x600000000000000'], expectedCode: 0, messageMustContain: ['hiodkit decode: warning: cap_reg 0x600000000000000', 'reserved bits set, 58:57 (0x600000000000000)'] },
  { id: 'args-decode-ecap-zero', area: 'arguments', input: 'decode --ecap 0: decoded, with a warning', argv: ['decode', '--cap', '0xd2008c40660462', '--ecap', '0'], expectedCode: 0, messageMustContain: ['hiodkit decode: warning: ecap_reg is 0', 'is the value right?'] },
  { id: 'args-decode-sysfs-and-cap', area: 'arguments', input: 'decode --sysfs with --cap', argv: ['decode', '--sysfs', '/sys/class/iommu/dmar0', '--cap', '0x1'], expectedCode: 2, messageMustContain: ['--sysfs', 'do not pass --cap or --ecap with it'] },

  // ----- host JSON -----
  { id: 'host-missing-file', area: 'host JSON', input: 'the file does not exist', argv: ['check', '--host', '{tmp}/missing.json'], expectedCode: 2, messageMustContain: ['{tmp}/missing.json', 'cannot be read: no such file or directory (ENOENT)'], spawn: true },
  { id: 'host-directory', area: 'host JSON', input: 'a directory', argv: ['check', '--host', '{tmp}/dir.json'], files: { 'dir.json': { kind: 'dir' } }, expectedCode: 2, messageMustContain: ['{tmp}/dir.json', 'is a directory, not a regular file'] },
  hostCase('host-not-json', 'not JSON', '{ name: 0000:17:00.0 }', ['{tmp}/host.json', 'not valid JSON']),
  hostCase('host-empty-file', 'an empty file', '', ['{tmp}/host.json', 'not valid JSON']),
  hostCase('host-top-level-array', 'a JSON array at the top', '[]', ['(root)', 'must be object']),
  hostCase('host-top-level-string', 'a JSON string at the top', '"0000:17:00.0"', ['(root)', 'must be object']),
  hostCase('host-missing-name', 'no "name"', hostWith('name', undefined), ['--host {tmp}/host.json', "must have required property 'name'"]),
  hostCase('host-missing-cap-reg', 'no caps.vtd.capReg', hostWith('caps.vtd.capReg', undefined), ['caps.vtd', "must have required property 'capReg'"]),
  hostCase('host-extra-field', 'an unknown top-level field', hostWith('iommu', 'dmar0'), ['(root)', 'has unexpected property "iommu"']),
  hostCase('host-name-number', 'name as a number', hostWith('name', 23), ['name', 'must be string']),
  hostCase('host-caps-array', 'caps as an array', hostWith('caps', []), ['caps', 'must be object']),
  hostCase('host-cap-reg-number', 'capReg as a JSON number', hostWith('caps.vtd.capReg', 4096), ['caps.vtd.capReg', 'a u64 is written as a hex string, not a JSON number']),
  hostCase('host-cap-reg-above-2-53', 'capReg 18446744073709551615 as a JSON number', hostTextReplacing('"0x9ed008c40780466"', '18446744073709551615'), ['caps.vtd.capReg', '18446744073709551615 is above 2^53 and cannot be read exactly']),
  hostCase('host-type-negative', 'caps.type -1', hostWith('caps.type', -1), ['caps.type', '-1 is negative; a u32 is unsigned']),
  hostCase('host-type-above-u32', 'caps.type 2^32', hostWith('caps.type', 4294967296), ['caps.type', 'does not fit a u32']),
  hostCase('host-flags-fraction', 'caps.vtd.flags 0.5', hostWith('caps.vtd.flags', 0.5), ['caps.vtd.flags', '0.5 is not an integer']),
  hostCase('host-aw-bits-fraction', 'awBits 47.5', hostWith('awBits', 47.5), ['awBits', 'must be integer']),
  hostCase('host-aw-bits-65', 'awBits 65', hostWith('awBits', 65), ['awBits', 'must be <= 64']),
  hostCase('host-aw-bits-string', 'awBits "64", a string', hostWith('awBits', '64'), ['awBits', 'must be integer']),
  hostCase('host-u64-17-digits', 'ecapReg with 17 hex digits', hostWith('caps.vtd.ecapReg', '0x10000000000000000'), ['caps.vtd.ecapReg', 'does not fit a u64']),
  hostCase('host-u64-not-hex', 'hwCaps "0xZZ"', hostWith('caps.hwCaps', '0xZZ'), ['caps.hwCaps', '"0xZZ" is not hexadecimal']),
  hostCase('host-u64-negative', 'capReg "-0x1"', hostWith('caps.vtd.capReg', '-0x1'), ['caps.vtd.capReg', 'is negative; a u64 is unsigned']),
  hostCase('host-proto-top-level', 'a "__proto__" key at the top level', hostTextReplacing('"name"', '"__proto__": { "polluted": "yes" },\n  "name"'), ['(root)', 'has unexpected property "__proto__"']),
  hostCase('host-proto-in-caps', 'a "__proto__" key inside caps', hostTextReplacing('"type": 1', '"__proto__": { "polluted": "yes" },\n    "type": 1'), ['caps', 'has unexpected property "__proto__"']),
  hostCase('host-backend-unknown', 'backend "vfio"', hostWith('backend', 'vfio'), ['backend', 'must be one of "iommufd", "legacy"']),
  hostCase('host-unit-name', 'unit.name "iommu0"', hostWith('unit', { name: 'iommu0' }), ['unit.name', 'must match pattern']),
  hostCase('host-max-pasid-log2', 'maxPasidLog2 256', hostWith('caps.maxPasidLog2', 256), ['caps.maxPasidLog2', 'must be <= 255']),
  {
    id: 'host-50-mb',
    area: 'host JSON',
    input: 'a 50 MB file',
    argv: ['check', '--host', '{tmp}/big.json'],
    files: { 'big.json': { kind: 'zeros', bytes: 50 * 1024 * 1024 } },
    expectedCode: 2,
    messageMustContain: ['{tmp}/big.json', 'is 52428800 bytes; a description may take at most 1048576'],
  },
  hostCase('host-deep-nesting', 'an array nested 10 000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, ['{tmp}/host.json', 'nested 10000 levels deep; at most 64 are allowed']),
  hostCase('host-pci-bad-element', 'pci.at with a bad element', hostWith('pci', { at: ['pcie-root-port@1c.0', 'slot-2'] }), ['pci.at[1]', '"slot-2" is not a path element']),
  hostCase('host-pci-unknown-bridge', 'pci.at with an unknown bridge type', hostWith('pci', { at: ['pxb-pcie@1c.0', '00.0'] }), ['pci.at[0]', 'unknown bridge type "pxb-pcie"']),
  hostCase('host-pci-root-port-behind-bridge', 'pci.at with a root port behind a PCI bridge', hostWith('pci', { at: ['pcie-pci-bridge@03.0', 'pcie-root-port@01.0', '00.0'] }), ['pci.at[1]', 'a pcie-root-port plugs only into the root bus pcie.0']),
  hostCase('host-pci-empty', 'pci.at empty', hostWith('pci', { at: [] }), ['pci.at', 'must NOT have fewer than 1 items']),
  hostCase('host-cap-reg-zero', 'capReg 0: the verdict stands, with a warning', hostWith('caps.vtd.capReg', '0x0'), ['hiodkit check: warning: cap_reg is 0', 'is the value right? The verdict stands on it as given.'], { expectedCode: 1 }),
  hostCase('host-cap-reg-all-ones', 'capReg all ones: the verdict stands, with a warning', hostWith('caps.vtd.capReg', '0xffffffffffffffff'), ['hiodkit check: warning: cap_reg is 0xffffffffffffffff', 'what a read from an absent device returns'], { expectedCode: 1 }),
  hostCase('host-ecap-reg-reserved', 'ecapReg with reserved bits 63:62 set: the verdict stands, with a warning', hostWith('caps.vtd.ecapReg', '0xc003ee9e86f050df'), ['hiodkit check: warning: ecap_reg 0xc003ee9e86f050df', 'reserved bits set, 63:62 (0xc000000000000000)'], { expectedCode: 1 }),
  hostCase('host-name-newline', 'a name with a line break and a forged QEMU line: shown escaped, on its line', hostWith('name', '0000:17:00.0\nqemu-system-x86_64: forged'), ['0000:17:00.0\\nqemu-system-x86_64: forged', 'INCOMPATIBLE'], { expectedCode: 1, stream: 'stdout' }),
  hostCase('host-description-escape', 'a description that clears the screen: shown escaped', hostWith('description', '\x1b[2J\x1b[Hcleared \u202eevil'), ['\\x1b[2J\\x1b[Hcleared \\u202eevil', 'INCOMPATIBLE'], { expectedCode: 1, stream: 'stdout' }),
  { id: 'host-unreadable', area: 'host JSON', input: 'a file its user may not read (EACCES)', argv: ['check', '--host', '{tmp}/host.json'], files: { 'host.json': { kind: 'file', text: BASE_HOST_TEXT, mode: 0o000 } }, child: 'unprivileged', expectedCode: 2, messageMustContain: ['{tmp}/host.json', 'cannot be read: permission denied (EACCES)'] },
  { id: 'host-proc-pagemap', area: 'host JSON', input: '/proc/self/pagemap: size 0, and it never ends', argv: ['check', '--host', '/proc/self/pagemap'], expectedCode: 2, messageMustContain: ['/proc/self/pagemap', 'reads as more than 1048576 bytes though its size says 0; a description may take at most 1048576'] },
  { id: 'host-dev-zero', area: 'host JSON', input: '/dev/zero', argv: ['check', '--host', '/dev/zero'], expectedCode: 2, messageMustContain: ['/dev/zero', 'is a character device, not a regular file'] },
  hostFileCase('host-fifo', 'a FIFO with no writer', { kind: 'fifo' }, ['{tmp}/host.json', 'is a FIFO, not a regular file'], { child: 'may-block' }),
  hostFileCase('host-sparse-1-tib', 'a sparse file of 1 TiB', { kind: 'sparse', bytes: 2 ** 40 }, ['{tmp}/host.json', 'is 1099511627776 bytes; a description may take at most 1048576']),
  hostCase('host-duplicate-key', 'caps.vtd.capReg twice, with different values', hostTextReplacing('"capReg": "0x9ed008c40780466"', '"capReg": "0x9ed008c40780466",\n      "capReg": "0x9ed008c40780400"'), ['caps.vtd.capReg', 'is given twice in the same object']),
  hostCase('host-duplicate-key-top', 'name twice', hostTextReplacing('"name": "0000:17:00.0"', '"name": "0000:17:00.0", "name": "0000:18:00.0"'), ['name', 'is given twice in the same object']),
  hostCase('host-duplicate-key-escaped', 'awBits twice, once spelled with an escape', hostTextReplacing('"awBits": 48', '"awBits": 48, "aw\\u0042its": 39'), ['awBits', 'is given twice in the same object']),
  hostCase('host-utf8-bom', 'UTF-8 with a byte-order mark', `\ufeff${BASE_HOST_TEXT}`, ['{tmp}/host.json', 'starts with a UTF-8 byte-order mark (EF BB BF)']),
  hostFileCase('host-utf16le', 'UTF-16LE with its byte-order mark', { kind: 'file', text: `\ufeff${BASE_HOST_TEXT}`, encoding: 'utf16le' }, ['{tmp}/host.json', 'is UTF-16 (it starts with the byte-order mark FF FE): save it as UTF-8']),
  hostFileCase('host-utf16be', 'UTF-16BE with its byte-order mark', { kind: 'file', text: `\ufeff${BASE_HOST_TEXT}`, encoding: 'utf16be' }, ['{tmp}/host.json', 'is UTF-16 (it starts with the byte-order mark FE FF)']),
  hostFileCase('host-utf16le-no-bom', 'UTF-16LE without a byte-order mark', { kind: 'file', text: BASE_HOST_TEXT, encoding: 'utf16le' }, ['{tmp}/host.json', 'has a NUL byte at offset 1, which UTF-8 JSON never has']),
  hostFileCase('host-latin1', 'Latin-1 text (an é in the description)', { kind: 'file', text: hostWith('description', 'café'), encoding: 'latin1' }, ['{tmp}/host.json', 'is not UTF-8']),
  hostCase('host-aw-bits-huge', 'awBits 99999999999999999999, which JSON.parse rounds to 1e20', hostTextReplacing('"awBits": 48', '"awBits": 99999999999999999999'), ['awBits', 'must be <= 64 (got 99999999999999999999)']),
  hostCase('host-aw-bits-1e400', 'awBits 1e400, which JSON.parse reads as Infinity', hostTextReplacing('"awBits": 48', '"awBits": 1e400'), ['awBits', 'must be integer (got 1e400)']),
  hostCase('host-type-huge', 'caps.type 99999999999999999999', hostTextReplacing('"type": 1', '"type": 99999999999999999999'), ['caps.type', '99999999999999999999 is above 2^53']),
  hostCase('host-cap-reg-exponent', 'capReg 4.096e3, a JSON number in exponent form', hostTextReplacing('"0x9ed008c40780466"', '4.096e3'), ['caps.vtd.capReg', 'not a JSON number (got 4.096e3; write "0x1000")']),

  // ----- sysfs -----
  { id: 'sysfs-missing', area: 'sysfs', input: 'the directory does not exist', argv: ['check', '--sysfs', '{tmp}/no-such-dir'], expectedCode: 2, messageMustContain: ['{tmp}/no-such-dir', 'cannot be read: no such file or directory (ENOENT)'], spawn: true },
  { id: 'sysfs-not-a-dir', area: 'sysfs', input: 'a regular file', argv: ['check', '--sysfs', '{tmp}/cap'], files: { cap: { kind: 'file', text: 'd2008c40660462\n' } }, expectedCode: 2, messageMustContain: ['{tmp}/cap', 'is not a directory'] },
  pciCase('sysfs-unit-cap-missing', 'a PCI device whose unit has no cap file', { ...unitFiles('iommu/dmar1', { cap: null }), ...pciDevice() }, ['iommu/dmar1/intel-iommu/cap', 'cannot be read: no such file or directory (ENOENT)']),
  { id: 'sysfs-unit-cap-missing-direct', area: 'sysfs', input: 'a unit directory without a cap file', argv: ['decode', '--sysfs', '{tmp}/dmar1'], files: unitFiles('dmar1', { cap: null }), expectedCode: 2, messageMustContain: ['{tmp}/dmar1', 'is neither a DMAR unit (no intel-iommu/cap)'] },
  unitCase('sysfs-cap-empty', 'cap is empty', { cap: '' }, ['dmar1/intel-iommu/cap', 'is empty']),
  unitCase('sysfs-cap-not-hex', 'cap is "xyz\\n"', { cap: 'xyz\n' }, ['dmar1/intel-iommu/cap', 'must be lowercase hex without 0x']),
  unitCase('sysfs-cap-trailing-garbage', 'cap has trailing garbage', { cap: '1c0000c40660462 junk\n' }, ['dmar1/intel-iommu/cap', 'must be lowercase hex without 0x']),
  unitCase('sysfs-cap-no-newline', 'cap without its newline', { cap: 'd2008c40660462' }, ['dmar1/intel-iommu/cap', 'must be one line ending in a newline']),
  unitCase('sysfs-cap-two-lines', 'cap of two lines', { cap: 'd2008c40660462\nd2008c40660462\n' }, ['dmar1/intel-iommu/cap', 'must be one line ending in a newline']),
  unitCase('sysfs-cap-0x', 'cap with a 0x prefix', { cap: '0xd2008c40660462\n' }, ['dmar1/intel-iommu/cap', 'must be lowercase hex without 0x']),
  unitCase('sysfs-cap-uppercase', 'cap in uppercase', { cap: 'D2008C40660462\n' }, ['dmar1/intel-iommu/cap', 'must be lowercase hex']),
  unitCase('sysfs-ecap-17-digits', 'ecap with 17 hex digits', { ecap: '10000000000000000\n' }, ['dmar1/intel-iommu/ecap', 'at most 16 digits']),
  { id: 'sysfs-unit-cap-ecap-only', area: 'sysfs', input: 'a unit with cap and ecap only (decode needs no version or address)', argv: ['decode', '--sysfs', '{tmp}/dmar1'], files: unitFiles('dmar1', { version: null, address: null }), expectedCode: 0, messageMustContain: [] },
  unitCase('sysfs-version-malformed', 'version "5.0"', { version: '5.0\n' }, ['dmar1/intel-iommu/version', 'must be "major:minor"']),
  unitCase('sysfs-address-malformed', 'address "0xfed91000"', { address: '0xfed91000\n' }, ['dmar1/intel-iommu/address', 'must be lowercase hex']),
  pciCase('sysfs-dangling-link', 'a PCI device whose iommu link dangles', pciDevice(), ['0000:02:00.0/iommu', 'is a dangling link']),
  pciCase('sysfs-link-not-intel', 'a PCI device whose iommu link names a non-Intel unit', { 'iommu/dmar1': { kind: 'dir' }, 'iommu/dmar1/amd-iommu': { kind: 'dir' }, ...pciDevice() }, ['0000:02:00.0/iommu', 'points to dmar1, which is not an Intel DMAR unit']),
  { id: 'sysfs-neither', area: 'sysfs', input: 'a directory that is neither a unit nor a PCI device', argv: ['check', '--sysfs', '{tmp}/empty'], files: { empty: { kind: 'dir' } }, expectedCode: 2, messageMustContain: ['{tmp}/empty', 'is neither a DMAR unit'] },
  pciCase('sysfs-pci-bad-name', 'a PCI device directory not named by its address', { ...unitFiles('iommu/dmar1'), ...pciDevice('nic0') }, ['{tmp}/devices/nic0', 'a PCI device directory is named by its address (dddd:bb:dd.f); got "nic0"'], 'nic0'),
  pciCase('sysfs-link-cap-garbage', "a PCI device whose unit's cap has trailing garbage", { ...unitFiles('iommu/dmar1', { cap: 'd2008c40660462 junk\n' }), ...pciDevice() }, ['iommu/dmar1/intel-iommu/cap', 'must be lowercase hex without 0x']),

  { id: 'sysfs-cap-zero', area: 'sysfs', input: 'cap 0: decoded, with a warning', argv: ['decode', '--sysfs', '{tmp}/dmar1'], files: unitFiles('dmar1', { cap: '0\n' }), expectedCode: 0, messageMustContain: ['hiodkit decode: warning: cap_reg is 0', 'It is decoded as given.'] },
  pciCase('sysfs-ecap-all-ones-check', 'ecap all ones: the verdict stands, with a warning', { ...unitFiles('iommu/dmar1', { ecap: 'ffffffffffffffff\n' }), ...pciDevice() }, ['hiodkit check: warning: ecap_reg is 0xffffffffffffffff', 'The verdict stands on it as given.'], '0000:02:00.0', { expectedCode: 1 }),
  { id: 'sysfs-unit-name-newline', area: 'sysfs', input: 'a unit directory whose name has a line break: shown escaped', argv: ['decode', '--sysfs', '{tmp}/dmar1\nforged'], files: unitFiles('dmar1\nforged'), expectedCode: 0, messageMustContain: ['DMAR unit dmar1\\nforged', 'cap_reg = 0x00d2008c40660462'], stream: 'stdout' },
  capCase('sysfs-cap-pagemap', 'cap linked to /proc/self/pagemap (size 0, endless)', { kind: 'symlink', target: '/proc/self/pagemap' }, ['dmar1/intel-iommu/cap', 'reads as more than 4096 bytes though its size says 0; a sysfs attribute may take at most 4096']),
  capCase('sysfs-cap-dev-zero', 'cap linked to /dev/zero', { kind: 'symlink', target: '/dev/zero' }, ['dmar1/intel-iommu/cap', 'is a character device, not a regular file']),
  capCase('sysfs-cap-fifo', 'cap a FIFO with no writer', { kind: 'fifo' }, ['dmar1/intel-iommu/cap', 'is a FIFO, not a regular file'], { child: 'may-block' }),
  capCase('sysfs-cap-sparse', 'cap a sparse file of 1 TiB', { kind: 'sparse', bytes: 2 ** 40 }, ['dmar1/intel-iommu/cap', 'is 1099511627776 bytes; a sysfs attribute may take at most 4096']),
  capCase('sysfs-cap-unreadable', 'cap its user may not read (EACCES)', { kind: 'file', text: 'd2008c40660462\n', mode: 0o000 }, ['dmar1/intel-iommu/cap', 'cannot be read: permission denied (EACCES)'], { child: 'unprivileged' }),
  {
    id: 'sysfs-dir-unreadable',
    area: 'sysfs',
    input: 'a unit directory its user may not search (EACCES)',
    argv: ['decode', '--sysfs', '{tmp}/dmar1'],
    files: { ...unitFiles('dmar1'), dmar1: { kind: 'dir', mode: 0o000 } },
    child: 'unprivileged',
    expectedCode: 2,
    messageMustContain: ['{tmp}/dmar1', 'cannot be read: permission denied (EACCES)'],
  },
  { id: 'sysfs-loop', area: 'sysfs', input: 'a symbolic link to itself', argv: ['check', '--sysfs', '{tmp}/loop'], files: { loop: { kind: 'symlink', target: 'loop' } }, expectedCode: 2, messageMustContain: ['{tmp}/loop', '(ELOOP)'] },
  pciCase('sysfs-iommu-link-loop', 'a PCI device whose iommu link is a loop', { 'devices/0000:02:00.0': { kind: 'dir' }, 'devices/0000:02:00.0/iommu': { kind: 'symlink', target: 'iommu' } }, ['0000:02:00.0/iommu', '(ELOOP)']),
  pciCase('sysfs-iommu-directory', 'a PCI device whose iommu is a directory (a copy made with cp -rL)', { 'devices/0000:02:00.0': { kind: 'dir' }, ...unitFiles('devices/0000:02:00.0/iommu') }, ['0000:02:00.0/iommu', 'is a directory, not the symbolic link sysfs has there', 'cp -a']),
  pciCase('sysfs-pci-domain-9-digits', 'a PCI device directory whose domain has 9 hex digits', { ...unitFiles('iommu/dmar1'), ...pciDevice('100000000:01:00.0') }, ['{tmp}/devices/100000000:01:00.0', 'is named by its address'], '100000000:01:00.0'),

  // ----- guest properties -----
  { id: 'guest-unknown-property', area: 'guest properties', input: 'an unknown property', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,nesting=on'], expectedCode: 2, messageMustContain: ['--guest nesting', "Property 'intel-iommu.nesting' not found"], spawn: true },
  { id: 'guest-x-flts-at-fsts', area: 'guest properties', input: 'x-flts at profile fsts', argv: ['check', '--profile', 'fsts', '--guest', 'scalable-mode=on,x-flts=on,caching-mode=on'], expectedCode: 2, messageMustContain: ['--guest x-flts', "at profile fsts it is 'fsts'"] },
  { id: 'guest-fsts-at-seed', area: 'guest properties', input: 'fsts at profile seed', argv: ['check', '--guest', 'x-scalable-mode=on,fsts=on,caching-mode=on'], expectedCode: 2, messageMustContain: ['--guest fsts', "at profile seed it is 'x-flts'"] },
  { id: 'guest-bad-bool', area: 'guest properties', input: 'caching-mode=enabled (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=enabled'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=enabled', "Parameter 'caching-mode' expects 'on' or 'off'"] },
  { id: 'guest-aw-bits-300', area: 'guest properties', input: 'aw-bits=300 (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=300'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=300', "Parameter 'aw-bits' expects uint8_t"] },
  { id: 'guest-aw-bits-minus-one', area: 'guest properties', input: 'aw-bits=-1, which strtoull wraps to 2^64-1 (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=-1'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=-1', "Parameter 'aw-bits' expects uint8_t"] },
  { id: 'guest-aw-bits-word', area: 'guest properties', input: 'aw-bits=abc (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=abc'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=abc', "Parameter 'aw-bits' expects integer"] },
  { id: 'guest-aw-bits-bare-0x', area: 'guest properties', input: 'aw-bits=0x, a prefix with no digit (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=0x'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=0x', "Parameter 'aw-bits' expects integer"] },
  { id: 'guest-version-above-uint32', area: 'guest properties', input: 'version=4294967296 (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,version=4294967296'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,version=4294967296', "Parameter 'version' expects uint32_t"] },
  { id: 'guest-empty-name', area: 'guest properties', input: 'a leading comma', argv: ['check', '--guest', ',x-scalable-mode=on,x-flts=on,caching-mode=on'], expectedCode: 2, messageMustContain: ['--guest properties[0]', 'empty property name'] },
  { id: 'guest-eim-maybe', area: 'guest properties', input: 'eim=maybe (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,eim=maybe'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,eim=maybe', "Parameter 'eim' does not accept value 'maybe'"] },
  { id: 'guest-pasid-bits-at-seed', area: 'guest properties', input: 'pasid-bits at profile seed', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,pasid-bits=20'], expectedCode: 2, messageMustContain: ['--guest pasid-bits', "Property 'intel-iommu.pasid-bits' not found at profile seed (it exists at pasid)"] },
  { id: 'guest-flts-without-scalable', area: 'guest properties', input: 'x-flts=on without scalable mode (QEMU refuses it)', argv: ['check', '--guest', 'x-flts=on,caching-mode=on'], expectedCode: 2, messageMustContain: ['-device intel-iommu,x-flts=on,caching-mode=on', 'x-flts is only available in scalable mode'] },
  { id: 'guest-flts-aw-bits-39', area: 'guest properties', input: 'x-flts=on with aw-bits=39 (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=39'], expectedCode: 2, messageMustContain: ['-device intel-iommu,', 'Scalable mode(x-flts=on): supported value for aw-bits is: 48'] },
  { id: 'guest-eim-without-intremap', area: 'guest properties', input: 'eim=on with intremap=off (QEMU refuses it)', argv: ['check', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,eim=on,intremap=off'], expectedCode: 2, messageMustContain: ['-device intel-iommu,', 'eim=on cannot be selected without intremap=on'] },

  // ----- QEMU command line -----
  argsCase('args-vm-unterminated-quote', 'a quote that is never closed', `${Q35} -device 'vfio-pci,host=00:02.0`, ['{tmp}/args.txt:1', "unterminated ' quote (opened on line 1)"]),
  argsCase('args-vm-option-without-value', '-device as the last word', `${Q35} -device`, ['{tmp}/args.txt:1', '-device requires an argument']),
  argsCase('args-vm-no-host', 'a vfio-pci without host=', `${Q35} -device vfio-pci,id=hostdev0`, ['{tmp}/args.txt:1', 'names no host= (or sysfsdev=)']),
  argsCase('args-vm-host-malformed', 'a vfio-pci host= that is no PCI address', `${Q35} -device vfio-pci,host=gpu0`, ['{tmp}/args.txt:1 host', '"gpu0" is not a PCI address']),
  argsCase('args-vm-host-twice', 'the same host device twice', `${Q35} -device vfio-pci,host=00:02.0 -device vfio-pci,host=0000:00:02.0`, ['{tmp}/args.txt:1', 'host device 0000:00:02.0 is passed through twice']),
  argsCase('args-vm-json-id-number', 'a JSON -device whose id is a number', `${Q35} -device '{"driver":"vfio-pci","id":5,"host":"00:02.0"}'`, ['{tmp}/args.txt:1', 'the JSON "id" must be a string']),
  argsCase('args-vm-json-invalid', 'a JSON -device that is not JSON', `${Q35} -device '{"driver":'`, ['{tmp}/args.txt:1', 'not valid JSON']),
  argsCase('args-vm-json-no-driver', 'a JSON -device without a driver', `${Q35} -device '{"host":"00:02.0"}'`, ['{tmp}/args.txt:1', 'the JSON object has no string "driver"']),
  argsCase('args-vm-unknown-bus', 'a vfio-pci on a bus no device creates', `${Q35} -device vfio-pci,host=00:02.0,bus=port9`, ['{tmp}/args.txt:1', 'bus "port9" is not defined before this device']),
  argsCase('args-vm-bad-addr', 'addr=0x40, past slot 1f', `${Q35} -device vfio-pci,host=00:02.0,addr=0x40`, ['{tmp}/args.txt:1 addr', '"0x40" is not a PCI address']),
  argsCase('args-vm-port-slot', 'a device at slot 1 of a pcie-root-port (the model keeps to slot 0)', `${Q35} -device pcie-root-port,id=rp1,addr=1c.0 -device vfio-pci,host=00:02.0,bus=rp1,addr=1.0`, ['{tmp}/args.txt:1', 'only slot 0 is valid there']),
  argsCase('args-vm-unmodelled-bridge', 'a vfio-pci behind a pxb-pcie, a bus the PCI model does not represent', `${Q35} -device pxb-pcie,id=pxb1,bus_nr=64 -device vfio-pci,host=00:02.0,bus=pxb1`, ['{tmp}/args.txt:1', 'bus "pxb1" belongs to -device pxb-pcie, which hiodkit\'s PCI model does not represent']),
  argsCase('args-vm-no-iommufd-object', 'iommufd= naming no -object iommufd', `${Q35} -device vfio-pci,host=00:02.0,iommufd=fd0`, ['{tmp}/args.txt:1 iommufd', 'no -object iommufd,id=fd0 on the command line']),
  argsCase('args-vm-set-unknown-device', '-set for a device that is not there', `${Q35} -set device.nope.aw-bits=39`, ['{tmp}/args.txt:1', '-set device.nope: no -device with id=nope comes before it']),
  argsCase('args-vm-global-vfio-iommufd', '-global vfio-pci.iommufd, which the check reads', `${Q35} -global vfio-pci.iommufd=fd0`, ['{tmp}/args.txt:1', 'a global for a property the check reads is not modelled']),
  argsCase('args-vm-bypass-iommu-value', '-machine default-bus-bypass-iommu=maybe', 'qemu-system-x86_64 -machine q35,default-bus-bypass-iommu=maybe -device intel-iommu', ['{tmp}/args.txt:1 machine', "Parameter 'default-bus-bypass-iommu' expects 'on' or 'off'"]),
  argsCase('args-vm-readconfig-missing', 'a -readconfig file that is not there', `${Q35} -readconfig {tmp}/missing.cfg`, ['{tmp}/missing.cfg', 'cannot be read: no such file or directory (ENOENT)']),
  argsCase('args-vm-readconfig-malformed', 'a -readconfig file that is not QEMU config syntax', `${Q35} -readconfig {tmp}/bad.cfg`, ['{tmp}/bad.cfg:1', 'not a config file line'], { files: { 'args.txt': { kind: 'file', text: `${Q35} -readconfig {tmp}/bad.cfg` }, 'bad.cfg': { kind: 'file', text: 'driver: pcie-root-port\n' } } }),
  argsCase('args-vm-no-machine', 'no -machine (QEMU would start the i440fx pc)', 'qemu-system-x86_64 -device intel-iommu -device vfio-pci,host=00:02.0', ['{tmp}/args.txt', 'intel-iommu is only supported by -machine q35']),
  argsCase('args-vm-machine-newer', 'a machine type newer than --qemu', 'qemu-system-x86_64 -machine pc-q35-11.0 -device intel-iommu', ['{tmp}/args.txt:1 machine', 'pc-q35-11.0 is newer than QEMU 10.2'], { argv: ['check', '--qemu-args', '{tmp}/args.txt', '--sysfs', '{machines}/tgl-nuc11pahi7/sys', '--qemu', '10.2'] }),
  argsCase('args-vm-two-iommus', 'two -device intel-iommu (QEMU refuses it)', `${Q35} -device intel-iommu`, ['qemu-system-x86_64: -device intel-iommu: QEMU does not support multiple vIOMMUs for x86 yet.', 'QEMU refuses this intel-iommu configuration']),
  argsCase('args-vm-property-refused', 'aw-bits=abc on the command line (QEMU refuses it)', 'qemu-system-x86_64 -M q35 -device intel-iommu,aw-bits=abc', ["qemu-system-x86_64: -device intel-iommu,aw-bits=abc: Parameter 'aw-bits' expects integer", 'QEMU refuses']),
  argsCase('args-vm-device-not-on-host', 'a host device the sysfs tree does not have', `${Q35} -device vfio-pci,host=0000:3b:00.0`, ['tgl-nuc11pahi7/sys', 'has no PCI device with an iommu link for 0000:3b:00.0']),
  argsCase('args-vm-not-utf8', 'a command line that is not UTF-8', '', ['{tmp}/args.txt', 'is not UTF-8 text'], { files: { 'args.txt': { kind: 'file', text: '-device \u00ff\u00fe', encoding: 'latin1' } } }),
  argsCase('args-vm-huge', 'a 2 MiB command line', '', ['{tmp}/args.txt', 'is 2097152 bytes; a QEMU command line may take at most 1048576'], { files: { 'args.txt': { kind: 'sparse', bytes: 2 * 1024 * 1024 } } }),
  argsCase('args-vm-sysfs-not-root', '--sysfs that is a device, not a sysfs root, with --qemu-args', `${Q35}`, ['{machines}/tgl-nuc11pahi7/sys/bus/pci/devices/0000:00:02.0', 'is not a sysfs root'], { argv: ['check', '--qemu-args', '{tmp}/args.txt', '--sysfs', '{machines}/tgl-nuc11pahi7/sys/bus/pci/devices/0000:00:02.0', '--qemu', '11.0'] }),
  argsCase('args-vm-unknown-qemu', 'an unknown --qemu version', `${Q35}`, ['--qemu', 'QEMU "8.2" is not in the version map (known: 9.1, 9.2, 10.0, 10.1, 10.2, 11.0, 11.1)'], { argv: ['check', '--qemu-args', '{tmp}/args.txt', '--sysfs', '{machines}/tgl-nuc11pahi7/sys', '--qemu', '8.2'] }),
  argsCase('args-vm-no-qemu', '--qemu-args without --qemu', `${Q35}`, ['--qemu-args', 'which QEMU runs this VM? give --qemu VERSION'], { argv: ['check', '--qemu-args', '{tmp}/args.txt', '--sysfs', '{machines}/tgl-nuc11pahi7/sys'] }),
  argsCase('args-vm-with-guest', '--qemu-args with --guest', `${Q35}`, ['--guest', 'does not go with it'], { argv: ['check', '--qemu-args', '{tmp}/args.txt', '--guest', 'caching-mode=on', '--qemu', '11.0'] }),
  { id: 'args-machine-without-qemu', area: 'arguments', input: '--machine without --qemu', argv: ['check', '--machine', 'pc-q35-9.1'], expectedCode: 2, messageMustContain: ['--machine', 'give --qemu VERSION with it'] },
  { id: 'args-qemu-and-profile', area: 'arguments', input: '--qemu and --profile together', argv: ['check', '--qemu', '10.0', '--profile', 'seed'], expectedCode: 2, messageMustContain: ['--qemu VERSION or --profile P', 'not both'] },
  { id: 'args-qemu-stable', area: 'arguments', input: '--qemu 10.0.3, a stable release', argv: ['check', '--qemu', '10.0.3'], expectedCode: 2, messageMustContain: ['--qemu', '10.0.3 is a stable release, which the version map does not hold'] },
  { id: 'args-machine-unknown', area: 'arguments', input: '--machine pc', argv: ['check', '--qemu', '10.0', '--machine', 'pc'], expectedCode: 2, messageMustContain: ['--machine', 'unknown machine type "pc"'] },
  { id: 'args-qemu-args-and-libvirt', area: 'arguments', input: '--qemu-args and --libvirt together', argv: ['check', '--qemu-args', '-', '--libvirt', 'd.xml'], expectedCode: 2, messageMustContain: ['--qemu-args or --libvirt', 'not both'] },

  // ----- libvirt domain -----
  domainCase('libvirt-not-xml', 'not XML', '<domain><devices>', ['{tmp}/domain.xml', 'is not well-formed XML']),
  domainCase('libvirt-doctype-entities', 'a DOCTYPE with entities (a billion-laughs file)', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><domain>&lol2;</domain>', ['{tmp}/domain.xml', 'entities are refused rather than expanded']),
  domainCase('libvirt-deep', 'elements nested 100 000 deep', '<domain>' + '<a>'.repeat(100_000) + '</a>'.repeat(100_000) + '</domain>', ['{tmp}/domain.xml', 'nests elements 100001 deep; at most 64 are allowed']),
  domainCase('libvirt-not-domain', 'an XML document that is not a domain', '<network><name>default</name></network>', ['{tmp}/domain.xml', 'is not a libvirt domain: the root element is <network>']),
  domainCase('libvirt-iommu-smmuv3', "<iommu model='smmuv3'>", DOMAIN("<iommu model='smmuv3'/>"), ['<iommu>', 'iommu model "smmuv3": hiodkit models the intel one']),
  domainCase('libvirt-iommu-unknown-attribute', 'an <iommu> driver attribute hiodkit does not map', DOMAIN(`${HOSTDEV}<iommu model='intel'><driver caching_mode='on' xtsup='on'/></iommu>`), ['<driver>', 'xtsup= is not an <iommu model=\'intel\'> driver attribute hiodkit maps']),
  domainCase('libvirt-hostdev-no-address', 'a hostdev without its guest <address>', DOMAIN("<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0' slot='2' function='0'/></source></hostdev><iommu model='intel'/>"), ['<hostdev>', "has no <address type='pci'>: libvirt assigns it when the domain is defined"]),
  domainCase('libvirt-hostdev-no-source', 'a hostdev without <source>', DOMAIN("<hostdev mode='subsystem' type='pci'><address type='pci' bus='0' slot='3' function='0'/></hostdev><iommu model='intel'/>"), ['<hostdev>', 'has no <source><address …/></source>']),
  domainCase('libvirt-override-unknown-alias', 'a <qemu:override> for an alias the domain has not', DOMAIN(`${HOSTDEV}<iommu model='intel'/>`, " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'").replace('</domain>', "<qemu:override><qemu:device alias='iommu9'><qemu:frontend><qemu:property name='x-flts' type='bool' value='true'/></qemu:frontend></qemu:device></qemu:override></domain>"), ['<qemu:device>', 'alias "iommu9" names no device of this domain']),
  domainCase('libvirt-override-bad-type', "a <qemu:property type='bool' value='on'>", DOMAIN(`${HOSTDEV}<iommu model='intel'/>`, " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'").replace('</domain>', "<qemu:override><qemu:device alias='iommu0'><qemu:frontend><qemu:property name='x-flts' type='bool' value='on'/></qemu:frontend></qemu:device></qemu:override></domain>"), ['<qemu:property>', 'type="bool" value="on" is not one libvirt takes']),
  domainCase('libvirt-domain-iommufd', 'the domain-level <iommufd>', DOMAIN(`${HOSTDEV}<iommu model='intel'/>`).replace('<devices>', "<iommufd enabled='yes'/><devices>"), ['{tmp}/domain.xml', 'the domain-level <iommufd> is not modelled']),
  domainCase('libvirt-json-property-type', "a <qemu:override> that gives caching-mode as a string (QEMU refuses it)", DOMAIN(`${HOSTDEV}<iommu model='intel'/>`, " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'").replace('</domain>', "<qemu:override><qemu:device alias='iommu0'><qemu:frontend><qemu:property name='caching-mode' type='string' value='on'/></qemu:frontend></qemu:device></qemu:override></domain>"), ["qemu-system-x86_64: -device {\"driver\":\"intel-iommu\",\"id\":\"iommu0\",\"caching-mode\":\"on\"}: Invalid parameter type for 'caching-mode', expected: boolean", 'QEMU refuses']),

  // ----- protocol -----
  execCase('protocol-hello-not-json', 'the hello is not JSON', 'hello-not-json.mjs', 2, ['its hello (stdout line 1)', 'is not JSON'], [], { spawn: true }),
  execCase('protocol-wrong-version', 'the hello speaks protocol 3', 'wrong-protocol.mjs', 2, ['protocol 3', 'this kit speaks protocols 1 and 2 only']),
  execCase('protocol-exits-before-hello', 'the plugin exits before its hello', 'exits-early.mjs', 2, ['exited with code 7 before sending its hello', 'cannot open /dev/iommu']),
  execCase('protocol-crashes-before-hello', 'the plugin dies of an uncaught exception before its hello', 'crashes-before-hello.mjs', 2, ['exited with code 1 before sending its hello', 'cannot parse the config file']),
  execCase('protocol-hello-invalid', 'the hello lacks implements', 'hello-no-implements.mjs', 2, ['hello', "must have required property 'implements'"]),
  { id: 'plugin-module-promise-export', area: 'plugin module', input: 'a module whose default export is a Promise of a plugin', argv: ['conform', '--plugin', '{fixtures}/promise-export.ts', '--runs', '1'], expectedCode: 2, messageMustContain: ['export "default"', 'is a Promise, not a plugin', 'top-level await'] },
  { id: 'plugin-module-top-level-await-forever', area: 'plugin module', input: 'a module whose top-level await never settles', argv: ['conform', '--plugin', '{fixtures}/top-level-await-forever.ts', '--runs', '1'], expectedCode: 2, messageMustContain: ['top-level-await-forever.ts', 'importing it never finished: its top-level await never settles'] },
  { id: 'protocol-command-not-found', area: 'protocol', input: 'the command does not exist', argv: ['conform', '--exec', '{tmp}/no-such-plugin'], expectedCode: 2, messageMustContain: ['{tmp}/no-such-plugin', 'ENOENT'] },
  execCase('protocol-invalid-answer', 'an answer line that breaks the schema', 'invalid-answer.mjs', 1, ['answer.outcome.ok', 'which is not an Outcome', '\\"outcome\\":{\\"ok\\":\\"yes\\"}}"'], ['--property', 'contract', '--runs', '3', '--seed', '1'], { stream: 'stdout' }),
  execCase('protocol-duplicate-key', 'an answer that gives its message twice (JSON.parse would keep the last)', 'duplicate-key.mjs', 1, ['answer.outcome.error.message', 'is given twice in the same object'], ['--property', 'contract', '--runs', '3', '--seed', '1'], { stream: 'stdout' }),

  // ----- output -----
  { id: 'output-closed-pipe-decode', area: 'output', input: 'decode into a pipe its reader closed (| head -1)', argv: ['decode', '--cap', '0xd2008c40660462', '--ecap', '0xf050da'], child: 'stdout-closed', expectedCode: 0, messageMustContain: [] },
  { id: 'output-closed-pipe-check', area: 'output', input: 'check of the sample hosts into a closed pipe', argv: ['check'], child: 'stdout-closed', expectedCode: 0, messageMustContain: [] },
  { id: 'output-closed-pipe-help', area: 'output', input: '--help into a closed pipe', argv: ['--help'], child: 'stdout-closed', expectedCode: 0, messageMustContain: [] },
  { id: 'output-full-disk-decode', area: 'output', input: 'decode into a full disk (>/dev/full)', argv: ['decode', '--cap', '0xd2008c40660462'], child: 'stdout-full', expectedCode: 2, messageMustContain: ['cannot write to stdout', 'no space left on device (ENOSPC)'] },
  { id: 'output-full-disk-check-json', area: 'output', input: 'check --json into a full disk', argv: ['check', '--host', '{hosts}/server.json', '--json'], child: 'stdout-full', expectedCode: 2, messageMustContain: ['cannot write to stdout', 'ENOSPC'] },
];
