import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vtdDomainAddressWidth } from '@hiodkit/core';
import { MACHINES, makeTempDir, removeTempDir, run } from './helpers.js';
import { loggedUnits, readMachines, writeMachineTrees } from './machine-fixtures.js';

/** Every path under dir with what it is: a file's text, a link's target, or a directory. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const rel = `${prefix}${name}`;
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) out[rel] = `-> ${readlinkSync(path)}`;
    else if (stat.isDirectory()) Object.assign(out, { [rel]: 'dir' }, tree(path, `${rel}/`));
    else out[rel] = readFileSync(path, 'utf8');
  }
  return out;
}

const machines = readMachines();

describe('the real-machine fixtures (fixtures/machines.json)', () => {
  const dir = makeTempDir();
  afterAll(() => removeTempDir(dir));

  it('has at least 12 machines, client and server, each with its source and the lines its kernel logged', () => {
    expect(machines.length).toBeGreaterThanOrEqual(12);
    expect(new Set(machines.map((m) => m.generation)).size).toBeGreaterThanOrEqual(12);
    expect(machines.some((m) => m.segment === 'client') && machines.some((m) => m.segment === 'server')).toBe(true);
    for (const m of machines) {
      expect(m.source, m.id).toMatch(/Message-ID <|https:\/\/|@[0-9a-f]{40}/);
      expect(loggedUnits(m).length, m.id).toBeGreaterThan(0);
      for (const d of m.devices) expect(loggedUnits(m).map((u) => u.name), `${m.id} ${d.bdf}`).toContain(d.unit);
    }
  });

  it('the committed trees are what the generator writes (regenerate: node --conditions=@hiodkit/source --import tsx packages/cli/test/machine-fixtures.ts --write)', () => {
    writeMachineTrees(dir);
    expect(tree(MACHINES)).toEqual(tree(dir));
  });

  it('the whole-machine check reads every unit and device of every machine', () => {
    for (const m of machines) {
      const r = run(['check', '--sysfs', join(MACHINES, m.id, 'sys'), '--qemu', '10.0', '--json']);
      expect(r.code, `${m.id}: ${r.stderr}`).toBe(1);
      const out = JSON.parse(r.stdout) as { verdicts: { host: string; unit: { name: string }; awBits: number }[] };
      expect(out.verdicts.map((v) => v.host).sort(), m.id).toEqual(m.devices.map((d) => d.bdf).sort());
      for (const v of out.verdicts) {
        const u = loggedUnits(m).find((x) => x.name === v.unit.name);
        expect(u, m.id).toBeDefined();
        expect(v.awBits).toBe(vtdDomainAddressWidth(BigInt(`0x${u?.cap}`), BigInt(`0x${u?.ecap}`), true).awBits);
      }
    }
  });
});

describe('what the real machines get from each QEMU release', () => {
  const verdicts = (id: string, qemu: string, extra: string[] = []) => {
    const r = run(['check', '--sysfs', join(MACHINES, id, 'sys'), '--qemu', qemu, '--json', ...extra]);
    return (JSON.parse(r.stdout) as { verdicts: { decidedBy: { id: string }; remedies: { text: string }[]; warnings: string[] }[] }).verdicts;
  };

  it('a client with MGAW 39 (Tiger Lake): QEMU 9.2 accepts second stage, 10.0 refuses aw-bits 48 and says aw-bits=39 or pc-q35-9.1', () => {
    const v92 = verdicts('tgl-nuc11pahi7', '9.2');
    expect(v92.every((v) => v.decidedBy.id === 'second-stage-accept')).toBe(true);
    const v10 = verdicts('tgl-nuc11pahi7', '10.0', ['--guest', 'caching-mode=on']);
    expect(v10.every((v) => v.decidedBy.id === 'aw-bits-exceed-host')).toBe(true);
    expect(v10[0]?.remedies.map((m) => m.text)).toEqual(['aw-bits=39 on -device intel-iommu', '-machine pc-q35-9.1, whose intel-iommu aw-bits default is 39 (pc_compat_9_1)']);
    const pinned = verdicts('tgl-nuc11pahi7', '10.0', ['--guest', 'caching-mode=on', '--machine', 'pc-q35-9.1']);
    expect(pinned.every((v) => v.decidedBy.id === 'second-stage-accept')).toBe(true);
  });

  it('nesting on a client: aw-bits=39 with x-flts off is the fix, and the unit without first-stage translation is named', () => {
    const v = verdicts('kbl-u-xps13-9360', '11.0');
    expect(v[0]?.decidedBy.id).toBe('aw-bits-exceed-host');
    expect(v[0]?.remedies[0]?.text).toContain('nesting is impossible on it');
    expect(v[0]?.warnings.some((w) => w.startsWith('ecap FSTS (bit 47) is 0'))).toBe(true);
  });

  it('Sapphire Rapids: 57-bit domains pass aw-bits; 10.2 refuses x-flts unconditionally and names 11.0; 11.0 accepts', () => {
    expect(verdicts('spr-intel-m50fcp', '10.2').map((v) => v.decidedBy.id)).toEqual(Array(6).fill('first-stage-rejected'));
    expect(verdicts('spr-intel-m50fcp', '10.2')[0]?.remedies[0]?.text).toMatch(/^QEMU 11\.0 \(profile relaxed\), the first release that accepts/);
    expect(verdicts('spr-intel-m50fcp', '11.0').map((v) => v.decidedBy.id)).toEqual(Array(6).fill('first-stage-accept'));
  });

  it('Cascade Lake (MGAW 48): aw-bits passes, 11.0 refuses no FS1GP and says fs1gp=off; the unit has no scalable mode', () => {
    const v = verdicts('clx-supermicro-x11dai-n', '11.0');
    expect(v.map((x) => x.decidedBy.id)).toEqual(Array(8).fill('fs1gp-unsupported'));
    expect(v[0]?.remedies[0]?.text).toBe('fs1gp=off on -device intel-iommu');
    expect(v[0]?.warnings.some((w) => w.startsWith('ecap SMTS (bit 43) is 0'))).toBe(true);
  });

  it('the human table: one line per device under its unit, the fix under it, then the summary', () => {
    const r = run(['check', '--sysfs', join(MACHINES, 'hp-dl380-gen9', 'sys'), '--qemu', '10.0', '--guest', 'caching-mode=on']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dmar0 at fbffc000, version 1:0 · host aw-bits 48 (SAGAW 48-bit (4-level): the 48-bit level, within MGAW 48)\n');
    expect(r.stdout).toMatch(/^ {2}group 0 {2}0000:80:00\.0 {2}COMPATIBLE {2}second-stage-accept {2}guest 00:02\.0$/m);
    expect(r.stdout).toContain('summary: 2 devices on 2 DMAR units: 2 compatible, 0 incompatible\n');
  });
});
