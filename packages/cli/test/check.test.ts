import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_DIR, SYSFS, hasStackTrace, host, makeTempDir, removeTempDir, run, runBin, type RunResult } from './helpers.js';

const QEMU = 'qemu-system-x86_64';

/** QEMU's line for a cold-plugged vfio-pci device whose vIOMMU attach failed (BEHAVIOUR §error.user-line). */
function vfioLine(bdf: string, message: string, backend: 'iommufd' | 'legacy' = 'iommufd'): string {
  const option = backend === 'iommufd' ? `vfio-pci,host=${bdf},iommufd=iommufd0` : `vfio-pci,host=${bdf}`;
  return `${QEMU}: -device ${option}: vfio ${bdf}: Failed to set vIOMMU: ${message}`;
}

const FIRST_STAGE = 'host IOMMU is incompatible with guest first stage translation';
const BRIDGE = 'Host device downstream to a PCI bridge is unsupported when x-flts=on';
const FS1GP = 'First stage 1GB large page is unsupported by host IOMMU';

/** The verdict lines the text output prints, unindented. */
function verdictLines(r: RunResult): string[] {
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith(`    ${QEMU}: `))
    .map((l) => l.trim());
}

/** The "COMPATIBLE|INCOMPATIBLE: decided by <row>" lines, as [verdict, row]. */
function decisions(r: RunResult): [string, string][] {
  return [...r.stdout.matchAll(/^ {2}(COMPATIBLE|INCOMPATIBLE): decided by (\S+) /gm)].map((m) => [m[1] as string, m[2] as string]);
}

interface JsonVerdict {
  id: string;
  host: string | null;
  awBits?: number | string;
  awBitsFrom?: string;
  unit?: { name: string; address?: string; version?: string; path?: string };
  backend: string;
  placement: string;
  compatible: boolean;
  error?: { message: string; hints: string[] };
  line?: string;
  decidedBy: { id: string; spec: string };
  fieldsRead: { register: string; value: string; field: string; linux?: string; bits: string; raw: string; meaning: string; title: string }[];
}

interface JsonCheck {
  profile: string;
  qemuCommit: string;
  checker: string;
  guest: { properties: string; given: string };
  source: string;
  verdicts: JsonVerdict[];
}

function parseJson(r: RunResult): JsonCheck {
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as JsonCheck;
}

function expectClean(r: RunResult): void {
  expect(hasStackTrace(r.stdout), `stdout:\n${r.stdout}`).toBe(false);
  expect(hasStackTrace(r.stderr), `stderr:\n${r.stderr}`).toBe(false);
}

describe('check with no host: the bundled samples', () => {
  const r = run(['check']);

  it('checks all six sample hosts and says they are the bundled samples; exit 1', () => {
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('no --host or --sysfs given: the 6 sample hosts bundled with hiodkit');
    expect(r.stdout.split('\n')[0]).toBe('hiodkit check · profile seed (qemu cca621c782d2) · CONFIG_VTD_ACCEL on');
    expect(r.stdout).toContain('guest: -device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on\n');
    const ids = [...r.stdout.matchAll(/^(\S+): \d{4}:/gm)].map((m) => m[1]);
    expect(ids).toEqual(['arm-smmuv3', 'client-igpu', 'client-pch', 'server-behind-bridge', 'server-legacy', 'server']);
    expectClean(r);
  });

  it("prints each verdict as QEMU's exact line", () => {
    expect(verdictLines(r)).toEqual([
      vfioLine('0000:01:00.0', 'Incompatible host platform IOMMU type 2'),
      vfioLine('0000:00:02.0', 'aw-bits 48 > host aw-bits 39'),
      vfioLine('0000:02:00.0', 'aw-bits 48 > host aw-bits 39'),
      vfioLine('0000:17:00.0', FIRST_STAGE),
      vfioLine('0000:17:00.0', 'Need IOMMUFD backend when x-flts=on', 'legacy'),
      vfioLine('0000:17:00.0', FIRST_STAGE),
    ]);
    expect(r.stdout).toContain(`    ${vfioLine('0000:02:00.0', 'aw-bits 48 > host aw-bits 39')}\n`);
    expect(decisions(r)).toEqual([
      ['INCOMPATIBLE', 'type-not-vtd'],
      ['INCOMPATIBLE', 'aw-bits-exceed-host'],
      ['INCOMPATIBLE', 'aw-bits-exceed-host'],
      ['INCOMPATIBLE', 'first-stage-rejected'],
      ['INCOMPATIBLE', 'not-iommufd'],
      ['INCOMPATIBLE', 'first-stage-rejected'],
    ]);
  });

  it('lists register fields only where the deciding path read them: the aw-bits refusals stop before FS1GP', () => {
    // server and server-behind-bridge reach the FS1GP check (fs1gp on) before the unconditional refusal; the two clients stop at aw-bits
    expect(r.stdout.match(/register fields the check reads:/g)).toHaveLength(2);
    expect(r.stdout).toContain('    cap_reg 0x9ed008c40780466: FS1GP (FL1GP) bit 56 = 0x1 · First-stage 1-GByte page support: yes\n');
    expect(r.stdout).not.toContain('cap_reg 0xd2008c40660462: FS1GP');
    const pch = run(['check', '--host', host('client-pch'), '--host-aw-bits', '48']);
    expect(pch.stdout).toContain('    cap_reg 0xd2008c40660462: FS1GP (FL1GP) bit 56 = 0x0 · First-stage 1-GByte page support: no\n');
    const off = run(['check', '--host', host('server'), '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,fs1gp=off']);
    expect(off.stdout).not.toContain('register fields the check reads');
  });

  it('--json lists the six verdicts', () => {
    const out = parseJson(run(['check', '--json']));
    expect(out.source).toBe('no --host or --sysfs given: the 6 sample hosts bundled with hiodkit');
    expect(out.verdicts.map((v) => [v.id, v.decidedBy.id])).toEqual([
      ['arm-smmuv3', 'type-not-vtd'],
      ['client-igpu', 'aw-bits-exceed-host'],
      ['client-pch', 'aw-bits-exceed-host'],
      ['server-behind-bridge', 'first-stage-rejected'],
      ['server-legacy', 'not-iommufd'],
      ['server', 'first-stage-rejected'],
    ]);
  });

  it('the real binary exits 1, prints no stack trace', () => {
    const b = runBin(['check']);
    expect(b.code).toBe(1);
    expect(b.stdout).toContain('the 6 sample hosts bundled with hiodkit');
    expect(b.stderr).toBe('');
    expectClean(b);
  }, 60_000);
});

describe('check --host', () => {
  it('server at seed: the unconditional first-stage rejection, exit 1', () => {
    const r = run(['check', '--host', host('server')]);
    expect(r.code).toBe(1);
    expect(verdictLines(r)).toEqual([vfioLine('0000:17:00.0', FIRST_STAGE)]);
    expect(decisions(r)).toEqual([['INCOMPATIBLE', 'first-stage-rejected']]);
    expect(r.stdout).toContain('decided by first-stage-rejected (BEHAVIOUR §attach.accel-refusal;');
    expect(r.stdout).toContain(`host ${host('server')}\n`);
    expect(r.stdout).toContain(': 0000:17:00.0 on DMAR unit dmar0 at aa3fc000, version 6:0\n');
    expectClean(r);
  });

  it('a relative --host path is read from the working directory (real binary, cwd packages/cli)', () => {
    const b = runBin(['check', '--host', 'hosts/server.json']);
    expect(b.code).toBe(1);
    expect(b.stdout).toContain(`    ${vfioLine('0000:17:00.0', FIRST_STAGE)}\n`);
    expectClean(b);
  }, 60_000);

  it('server at relaxed: COMPATIBLE, exit 0', () => {
    const r = run(['check', '--host', host('server'), '--profile', 'relaxed']);
    expect(r.code).toBe(0);
    expect(decisions(r)).toEqual([['COMPATIBLE', 'first-stage-accept']]);
    expect(verdictLines(r)).toEqual([]);
    expect(r.stdout).toContain('profile relaxed (qemu b0163f43195a)');
  });

  it('server-behind-bridge at bridge: the bridge message', () => {
    const r = run(['check', '--host', host('server-behind-bridge'), '--profile', 'bridge']);
    expect(r.code).toBe(1);
    expect(verdictLines(r)).toEqual([vfioLine('0000:17:00.0', BRIDGE)]);
    expect(r.stdout).toContain('in the guest: 00:1c.0 pcie-root-port → 01:00.0 pcie-pci-bridge → 02:01.0\n');
  });

  it('server-behind-bridge at seed: no bridge check yet, the unconditional rejection', () => {
    const r = run(['check', '--host', host('server-behind-bridge')]);
    expect(verdictLines(r)).toEqual([vfioLine('0000:17:00.0', FIRST_STAGE)]);
  });

  it('server-legacy: Need IOMMUFD backend, and the vfio option has no iommufd=', () => {
    const r = run(['check', '--host', host('server-legacy')]);
    expect(r.code).toBe(1);
    expect(verdictLines(r)).toEqual([`${QEMU}: -device vfio-pci,host=0000:17:00.0: vfio 0000:17:00.0: Failed to set vIOMMU: Need IOMMUFD backend when x-flts=on`]);
    expect(decisions(r)).toEqual([['INCOMPATIBLE', 'not-iommufd']]);
    expect(r.stdout).toContain('legacy backend (host-iommu-device-legacy-vfio) · IOMMU type 0 (NONE)');
  });

  it('arm-smmuv3: Incompatible host platform IOMMU type 2', () => {
    const r = run(['check', '--host', host('arm-smmuv3')]);
    expect(r.code).toBe(1);
    expect(verdictLines(r)).toEqual([vfioLine('0000:01:00.0', 'Incompatible host platform IOMMU type 2')]);
    expect(r.stdout).not.toContain('register fields the check reads');
  });

  it('--stub: the stub message, then the hint on the next line', () => {
    const r = run(['check', '--host', host('server'), '--stub']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CONFIG_VTD_ACCEL off (stub)');
    expect(r.stdout).toContain(`    ${vfioLine('0000:17:00.0', 'host IOMMU cannot be checked!')}\n    CONFIG_VTD_ACCEL is not enabled\n`);
    expect(decisions(r)).toEqual([['INCOMPATIBLE', 'accel-stub']]);
    const json = parseJson(run(['check', '--host', host('server'), '--stub', '--json']));
    expect(json.checker).toBe('stub');
    expect(json.verdicts[0]?.error).toEqual({ message: 'host IOMMU cannot be checked!', hints: ['CONFIG_VTD_ACCEL is not enabled'] });
    expect(json.verdicts[0]?.line).toBe(`${vfioLine('0000:17:00.0', 'host IOMMU cannot be checked!')}\nCONFIG_VTD_ACCEL is not enabled`);
  });

  it('--stub still fails earlier checks first (aw-bits)', () => {
    const r = run(['check', '--host', host('client-pch'), '--stub']);
    expect(verdictLines(r)).toEqual([vfioLine('0000:02:00.0', 'aw-bits 48 > host aw-bits 39')]);
  });

  it('--backend legacy overrides an iommufd host', () => {
    const r = run(['check', '--host', host('server'), '--backend', 'legacy', '--profile', 'relaxed']);
    expect(r.code).toBe(1);
    expect(verdictLines(r)).toEqual([vfioLine('0000:17:00.0', 'Need IOMMUFD backend when x-flts=on', 'legacy')]);
    expect(r.stdout).toContain('legacy backend (host-iommu-device-legacy-vfio)');
  });

  it('--backend iommufd on the legacy sample reaches the type check (its caps are zero)', () => {
    const r = run(['check', '--host', host('server-legacy'), '--backend', 'iommufd']);
    expect(verdictLines(r)).toEqual([vfioLine('0000:17:00.0', 'Incompatible host platform IOMMU type 0')]);
  });

  it('--behind-pci-bridge places the device behind a pcie-pci-bridge', () => {
    const bridge = run(['check', '--host', host('server'), '--behind-pci-bridge', '--profile', 'bridge']);
    expect(bridge.code).toBe(1);
    expect(verdictLines(bridge)).toEqual([vfioLine('0000:17:00.0', BRIDGE)]);
    expect(bridge.stdout).toContain('in the guest: 00:1c.0 pcie-root-port → 01:00.0 pcie-pci-bridge → 02:01.0\n');
    const relaxed = run(['check', '--host', host('server'), '--behind-pci-bridge', '--profile', 'relaxed']);
    expect(relaxed.code).toBe(1);
    expect(decisions(relaxed)).toEqual([['INCOMPATIBLE', 'behind-pci-bridge']]);
    expect(run(['check', '--host', host('server'), '--profile', 'relaxed']).code).toBe(0);
  });

  /*
   * client-igpu has FS1GP but no scalable mode (SMTS 0) and no first-stage translation (FSTS 0).
   * The attach check (BEHAVIOUR §profile.order) never reads SMTS or FSTS: at relaxed, the iommufd,
   * type (1), FS1GP (set, guest fs1gp on) and bridge (root bus) checks pass, then it accepts. Only
   * the aw-bits check (§attach.aw-bits: 48 > 39) stops it, so --host-aw-bits 48 makes it COMPATIBLE: the model
   * follows QEMU's code, not what the hardware could do.
   */
  it('--host-aw-bits 48 makes client-igpu compatible at relaxed (the check does not read SMTS)', () => {
    const r = run(['check', '--host', host('client-igpu'), '--host-aw-bits', '48', '--profile', 'relaxed']);
    expect(r.code).toBe(0);
    expect(decisions(r)).toEqual([['COMPATIBLE', 'first-stage-accept']]);
    expect(r.stdout).toContain('host aw-bits 48\n');
    expect(r.stdout).toContain('context: MGAW 39 bits · SAGAW 48-bit (4-level) · SMTS no · FSTS no');
    const json = parseJson(run(['check', '--host', host('client-igpu'), '--host-aw-bits', '48', '--profile', 'relaxed', '--json']));
    expect(json.verdicts[0]?.fieldsRead.map((f) => `${f.register} ${f.field} ${f.bits}`)).toEqual(['cap_reg FS1GP bit 56']);
  });

  it('--host-aw-bits 48 at seed still ends in the unconditional rejection', () => {
    const r = run(['check', '--host', host('client-igpu'), '--host-aw-bits', '48']);
    expect(verdictLines(r)).toEqual([vfioLine('0000:00:02.0', FIRST_STAGE)]);
  });

  it('--host-aw-bits 47 against the default aw-bits 48 fails step 5 (equal passes, strictly greater fails)', () => {
    expect(verdictLines(run(['check', '--host', host('server'), '--host-aw-bits', '47']))).toEqual([vfioLine('0000:17:00.0', 'aw-bits 48 > host aw-bits 47')]);
  });

  it('client-pch (no FS1GP) is refused by step 9 unless the guest sets fs1gp=off', () => {
    const on = run(['check', '--host', host('client-pch'), '--host-aw-bits', '48', '--profile', 'relaxed']);
    expect(on.code).toBe(1);
    expect(verdictLines(on)).toEqual([vfioLine('0000:02:00.0', FS1GP)]);
    expect(decisions(on)).toEqual([['INCOMPATIBLE', 'fs1gp-unsupported']]);
    const off = run(['check', '--host', host('client-pch'), '--host-aw-bits', '48', '--profile', 'relaxed', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,fs1gp=off']);
    expect(off.code).toBe(0);
    expect(decisions(off)).toEqual([['COMPATIBLE', 'first-stage-accept']]);
    expect(off.stdout).toContain('guest: -device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,fs1gp=off\n');
  });

  it('--guest with fs1gp=off at seed: FS1GP no longer matters, the unconditional rejection remains', () => {
    const r = run(['check', '--host', host('client-pch'), '--host-aw-bits', '48', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,fs1gp=off']);
    expect(verdictLines(r)).toEqual([vfioLine('0000:02:00.0', FIRST_STAGE)]);
  });

  it('--guest without caching-mode: step 1, with its trailing period', () => {
    const r = run(['check', '--host', host('server'), '--guest', 'x-scalable-mode=on,x-flts=on']);
    expect(verdictLines(r)).toEqual([vfioLine('0000:17:00.0', 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.')]);
  });

  it('--guest with x-flts off: second-stage checks only, compatible', () => {
    const r = run(['check', '--host', host('server'), '--guest', 'caching-mode=on']);
    expect(r.code).toBe(0);
    expect(decisions(r)).toEqual([['COMPATIBLE', 'second-stage-accept']]);
  });

  it('a guest config QEMU refuses: its line on stderr, exit 2, nothing on stdout', () => {
    const r = run(['check', '--host', host('server'), '--guest', 'x-flts=on']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`${QEMU}: -device intel-iommu,x-flts=on: x-flts is only available in scalable mode`);
    expect(r.stderr).toContain('QEMU refuses this intel-iommu configuration before any device is attached');
    expectClean(r);
  });

  it("a value the property's setter refuses: QEMU's line and wording, after QemuOpts' warnings; exit 2", () => {
    const r = run(['check', '--host', host('server'), '--guest', 'x-scalable-mode,x-flts=on,caching-mode=on,aw-bits=48k']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      "hiodkit check: warning: short-form boolean option 'x-scalable-mode' deprecated",
      'Please use x-scalable-mode=on instead',
      `${QEMU}: -device intel-iommu,x-scalable-mode,x-flts=on,caching-mode=on,aw-bits=48k: Parameter 'aw-bits' expects integer`,
      'hiodkit check: QEMU refuses this intel-iommu configuration before any device is attached',
      '',
    ]);
    expectClean(r);
  });

  it('--guest takes what strtoull takes: blanks before the number, a sign, octal and hex', () => {
    const json = parseJson(run(['check', '--host', host('server'), '--guest', 'caching-mode=on,aw-bits=\t+047,version= 0x3', '--json']));
    expect(json.guest.properties).toBe('version=3,aw-bits=39,caching-mode=on');
  });

  it('a leading intel-iommu (the -device driver, which --guest accepts) is not printed twice', () => {
    const r = run(['check', '--host', host('server'), '--guest', 'intel-iommu,x-flts=on']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`${QEMU}: -device intel-iommu,x-flts=on: x-flts is only available in scalable mode`);
    const ok = run(['check', '--host', host('server'), '--guest', 'intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on']);
    expect(ok.code).toBe(1);
    expect(ok.stdout).toContain('guest: -device intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on\n');
  });

  it('the real binary exits 2 on a guest config QEMU refuses', () => {
    const b = runBin(['check', '--guest', 'x-flts=on']);
    expect(b.code).toBe(2);
    expect(b.stderr.split('\n')[0]).toBe(`${QEMU}: -device intel-iommu,x-flts=on: x-flts is only available in scalable mode`);
    expectClean(b);
  }, 60_000);

  it('--profile fsts: fsts=on wording and the default guest scalable-mode=on,fsts=on,caching-mode=on', () => {
    const r = run(['check', '--profile', 'fsts']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('guest: -device intel-iommu,scalable-mode=on,fsts=on,caching-mode=on\n');
    expect(verdictLines(r)).toContain(vfioLine('0000:17:00.0', 'Need IOMMUFD backend when fsts=on', 'legacy'));
    expect(verdictLines(r)).toContain(vfioLine('0000:17:00.0', 'Host device downstream to a PCI bridge is unsupported when fsts=on'));
    expect(r.stdout).not.toContain('x-flts');
    const server = run(['check', '--profile', 'fsts', '--host', host('server')]);
    expect(server.code).toBe(0);
    const refused = run(['check', '--profile', 'fsts', '--guest', 'fsts=on']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe(`${QEMU}: -device intel-iommu,fsts=on: fsts is only available in scalable mode`);
  });

  it('--profile xflts-refuse: every device is refused with x-flts on, in 10.0’s words, and no register is read', () => {
    const r = run(['check', '--profile', 'xflts-refuse', '--host', host('server')]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('hiodkit check · profile xflts-refuse (qemu aa68a9fbdb81) · no CONFIG_VTD_ACCEL yet');
    expect(decisions(r)).toEqual([['INCOMPATIBLE', 'first-stage-rejected']]);
    expect(verdictLines(r)).toContain(vfioLine('0000:17:00.0', 'host device is uncompatible with stage-1 translation'));
    expect(r.stdout).not.toContain('register fields the check reads');
  });

  it('--profile aw-only: the default guest has no x-flts, and x-flts is not a property there', () => {
    const r = run(['check', '--profile', 'aw-only', '--host', host('server')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('guest: -device intel-iommu,x-scalable-mode=on,caching-mode=on\n');
    const refused = run(['check', '--profile', 'aw-only', '--guest', 'x-scalable-mode=on,x-flts=on']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Property 'intel-iommu.x-flts' not found at profile aw-only");
  });

  it('--stub before the seed is bad usage: the stub does not exist yet', () => {
    const r = run(['check', '--profile', 'xflts-refuse-fs', '--stub']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stub: profile xflts-refuse-fs predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)');
  });

  it('the short forms x-scalable-mode,x-flts,caching-mode work, with QEMU’s deprecation warning for each', () => {
    const r = run(['check', '--host', host('server'), '--profile', 'relaxed', '--guest', 'x-scalable-mode,x-flts,caching-mode']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      [
        "hiodkit check: warning: short-form boolean option 'x-scalable-mode' deprecated",
        'Please use x-scalable-mode=on instead',
        "hiodkit check: warning: short-form boolean option 'x-flts' deprecated",
        'Please use x-flts=on instead',
        "hiodkit check: warning: short-form boolean option 'caching-mode' deprecated",
        'Please use caching-mode=on instead',
        '',
      ].join('\n'),
    );
    const off = run(['check', '--host', host('client-pch'), '--host-aw-bits', '48', '--profile', 'relaxed', '--guest', 'x-scalable-mode=on,x-flts=on,caching-mode=on,nofs1gp']);
    expect(off.code).toBe(0);
    expect(off.stderr).toContain("short-form boolean option 'nofs1gp' deprecated\nPlease use fs1gp=off instead");
  });

  it('--profile pasid reads PSS only from a host that reports PASID support (max_pasid_log2)', () => {
    const json = parseJson(run(['check', '--host', host('server'), '--profile', 'pasid', '--json']));
    expect(json.guest.given).toBe('scalable-mode=on,fsts=on,caching-mode=on');
    expect(json.verdicts[0]?.fieldsRead.map((f) => [f.register, f.field, f.bits, f.meaning])).toEqual([['cap_reg', 'FS1GP', 'bit 56', 'yes']]);
    const dir = makeTempDir();
    const withPasid = join(dir, 'pasid.json');
    const server = JSON.parse(readFileSync(host('server'), 'utf8')) as { caps: Record<string, unknown> };
    // ecap with PASID support (bit 40) and the max_pasid_log2 IOMMU_GET_HW_INFO reports with it
    writeFileSync(withPasid, JSON.stringify({ ...server, caps: { ...server.caps, vtd: { flags: 0, capReg: '0x9ed008c40780466', ecapReg: '0x3ef9e86f050df' }, maxPasidLog2: 20 } }));
    const pasid = parseJson(run(['check', '--host', withPasid, '--profile', 'pasid', '--json']));
    removeTempDir(dir);
    expect(pasid.verdicts[0]?.fieldsRead.map((f) => [f.register, f.field, f.bits, f.meaning])).toEqual([
      ['cap_reg', 'FS1GP', 'bit 56', 'yes'],
      ['ecap_reg', 'PSS', 'bits 39:35', '20 PASID bits'],
    ]);
  });
});

describe('check: text from the input, in human output and in JSON', () => {
  const forged = '0000:17:00.0\nqemu-system-x86_64: forged\x1b[2J';
  const dir = makeTempDir();
  afterAll(() => removeTempDir(dir));
  const file = join(dir, 'forged.json');
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(host('server'), 'utf8')) as object), name: forged, description: 'a\u202eb\u0085c' }));

  it('a host name with a line break and an escape sequence stays on its lines, escaped, in the QEMU line too', () => {
    const r = run(['check', '--host', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/^qemu-system-x86_64: forged/m);
    expect(r.stdout).not.toMatch(/[\x1b\x85\u202e]/);
    expect(r.stdout).toContain(`${file}: 0000:17:00.0\\nqemu-system-x86_64: forged\\x1b[2J on DMAR unit dmar0`);
    expect(verdictLines(r)).toEqual([vfioLine('0000:17:00.0\\nqemu-system-x86_64: forged\\x1b[2J', FIRST_STAGE)]);
    expect(r.stdout).toContain('\n  a\\u202eb\\x85c\n');
  });

  it('JSON keeps the exact text', () => {
    const out = parseJson(run(['check', '--host', file, '--json']));
    expect(out.verdicts[0]?.host).toBe(forged);
    expect(out.verdicts[0]?.line).toBe(`${vfioLine(forged, FIRST_STAGE)}\n`);
  });
});

describe('check --json', () => {
  it('parses, and each verdict has decidedBy, fieldsRead (FS1GP bit 56) and the line', () => {
    const out = parseJson(run(['check', '--host', host('client-pch'), '--json']));
    expect(out).toMatchObject({ profile: 'seed', qemuCommit: 'cca621c782d2', checker: 'accel', guest: { given: 'x-scalable-mode=on,x-flts=on,caching-mode=on' } });
    expect(out.verdicts).toHaveLength(1);
    const v = out.verdicts[0] as JsonVerdict;
    expect(v.compatible).toBe(false);
    expect(v.host).toBe('0000:02:00.0');
    expect(v.unit).toEqual({ name: 'dmar1', address: 'fed91000', version: '5:0' });
    expect(v.decidedBy.id).toBe('aw-bits-exceed-host');
    expect(v.decidedBy.spec).toContain('BEHAVIOUR §attach.aw-bits;');
    expect(v.error).toEqual({ message: 'aw-bits 48 > host aw-bits 39', hints: [] });
    expect(v.line).toBe(`${vfioLine('0000:02:00.0', 'aw-bits 48 > host aw-bits 39')}\n`);
    // refused at aw-bits: no register field was read
    expect(v.fieldsRead).toEqual([]);
    const read = parseJson(run(['check', '--host', host('client-pch'), '--host-aw-bits', '48', '--json'])).verdicts[0] as JsonVerdict;
    expect(read.fieldsRead).toEqual([
      { register: 'cap_reg', value: '0xd2008c40660462', field: 'FS1GP', linux: 'FL1GP', bits: 'bit 56', raw: '0x0', meaning: 'no', title: 'First-stage 1-GByte page support' },
    ]);
  });

  it('a compatible verdict has no error and no line', () => {
    const v = parseJson(run(['check', '--host', host('server'), '--profile', 'relaxed', '--json'])).verdicts[0] as JsonVerdict;
    expect(v.compatible).toBe(true);
    expect(v.error).toBeUndefined();
    expect(v.line).toBeUndefined();
    expect(v.decidedBy.id).toBe('first-stage-accept');
  });
});

describe('check --sysfs (the committed client fixture)', () => {
  const pci = (bdf: string) => join(SYSFS, 'bus', 'pci', 'devices', bdf);

  it('0000:02:00.0 is served by dmar1 (no FS1GP), and the output names the unit', () => {
    const r = run(['check', '--sysfs', pci('0000:02:00.0')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(': 0000:02:00.0 on DMAR unit dmar1 at fed91000, version 5:0 (');
    expect(r.stdout).toContain('host aw-bits 39 (SAGAW 48-bit (4-level): the 48-bit level capped at MGAW 39; QEMU asks the kernel\'s IOVA ranges');
    expect(r.stdout).toContain('  context: MGAW 39 bits · SAGAW 48-bit (4-level) · SMTS no · FSTS no · SSTS no · NEST no · PASID no · PSS none (PASID not supported)\n');
    expect(verdictLines(r)).toEqual([vfioLine('0000:02:00.0', 'aw-bits 48 > host aw-bits 39')]);
    expectClean(r);
  });

  it('0000:00:02.0 (the integrated graphics) is served by dmar0 (FS1GP)', () => {
    const r = run(['check', '--sysfs', pci('0000:00:02.0')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(': 0000:00:02.0 on DMAR unit dmar0 at fed90000, version 4:0 (');
    expect(verdictLines(r)).toEqual([vfioLine('0000:00:02.0', 'aw-bits 48 > host aw-bits 39')]);
  });

  it('the two units differ where it matters: with 48 host bits at relaxed, only the graphics unit passes', () => {
    const nic = run(['check', '--sysfs', pci('0000:02:00.0'), '--host-aw-bits', '48', '--profile', 'relaxed']);
    expect(verdictLines(nic)).toEqual([vfioLine('0000:02:00.0', FS1GP)]);
    const igpu = run(['check', '--sysfs', pci('0000:00:02.0'), '--host-aw-bits', '48', '--profile', 'relaxed']);
    expect(igpu.code).toBe(0);
    expect(decisions(igpu)).toEqual([['COMPATIBLE', 'first-stage-accept']]);
  });

  it('a class/iommu/dmarN directory reads that unit', () => {
    const r = run(['check', '--sysfs', join(SYSFS, 'class', 'iommu', 'dmar1')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(': any device it serves on DMAR unit dmar1 at fed91000, version 5:0');
    // a unit names no device: QEMU's line shows where the device's address goes, not host=dmar1
    expect(verdictLines(r)).toEqual([vfioLine('DDDD:BB:DD.F', 'aw-bits 48 > host aw-bits 39')]);
    expect(r.stdout).not.toContain('host=dmar1');
    expect((parseJson(run(['check', '--sysfs', join(SYSFS, 'class', 'iommu', 'dmar1'), '--json'])).verdicts[0] as JsonVerdict).host).toBeNull();
    const dmar0 = run(['check', '--sysfs', join(SYSFS, 'class', 'iommu', 'dmar0', 'intel-iommu')]);
    expect(dmar0.code).toBe(1);
    expect(dmar0.stdout).toContain(' on DMAR unit dmar0 at fed90000, version 4:0');
  });

  it('a device in a VMD domain (5 hex digits, 10000:01:00.0) is read like any other', () => {
    const dir = makeTempDir();
    try {
      mkdirSync(join(dir, '10000:01:00.0'));
      symlinkSync(join(SYSFS, 'devices', 'virtual', 'iommu', 'dmar1'), join(dir, '10000:01:00.0', 'iommu'));
      const r = run(['check', '--sysfs', join(dir, '10000:01:00.0')]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(': 10000:01:00.0 on DMAR unit dmar1 at fed91000');
      expect(verdictLines(r)).toEqual([vfioLine('10000:01:00.0', 'aw-bits 48 > host aw-bits 39')]);
    } finally {
      removeTempDir(dir);
    }
  });

  it('--sysfs --json names the unit (exit 1, not an internal error)', () => {
    const r = run(['check', '--sysfs', pci('0000:02:00.0'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as JsonCheck;
    expect(out.verdicts[0]?.unit?.name).toBe('dmar1');
    expect(out.verdicts[0]?.fieldsRead).toEqual([]);
    expect(out.verdicts[0]).toMatchObject({ awBits: 39, awBitsFrom: 'estimate' });
  });
});

describe('check, installed under a path with a space', () => {
  const root = makeTempDir('hiodkit cli copy ');
  afterAll(() => removeTempDir(root));

  it('still finds its bundled sample hosts', () => {
    const copy = join(root, 'cli');
    mkdirSync(copy);
    for (const part of ['dist', 'hosts', 'schemas', 'package.json']) cpSync(join(CLI_DIR, part), join(copy, part), { recursive: true });
    symlinkSync(join(CLI_DIR, 'node_modules'), join(copy, 'node_modules'));
    const r = spawnSync(process.execPath, [join(copy, 'dist', 'bin.js'), 'check', '--json'], { cwd: CLI_DIR, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as JsonCheck).verdicts).toHaveLength(6);
  }, 60_000);
});

describe('check help', () => {
  it('--help exits 0 with the usage', () => {
    const r = run(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hiodkit check');
  });

  it('hiodkit --help lists the exit codes', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 {2}conformant \/ compatible \/ done\n {2}1 {2}nonconformant \/ incompatible\n {2}2 {2}bad usage or bad input, or output that cannot be written \(a full disk\)\n {2}3 /);
    expect(r.stdout).toContain('A reader that closes the output pipe early (hiodkit … | head -1) ends hiodkit\nat once, quietly, with 0.');
  });
});
