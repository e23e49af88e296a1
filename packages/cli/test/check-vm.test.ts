import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, MACHINES, makeTempDir, removeTempDir, run } from './helpers.js';

// the VM examples run from the repository root, where their -readconfig path points
const ROOT = join(MACHINES, '..', '..', '..', '..');
const VM = 'packages/cli/fixtures/vm';
const sysfs = (id: string) => `packages/cli/fixtures/machines/${id}/sys`;
const inRoot = (argv: string[]) => run(argv, { cwd: ROOT });

interface VmJson {
  qemu?: { release: string; machine: string };
  notes: string[];
  refusal?: { line: string; remedy?: string };
  verdicts: { host: string; placement: string; decidedBy: { id: string }; line?: string; remedies: { text: string; change: { kind: string } }[] }[];
}
const json = (argv: string[]) => JSON.parse(inRoot([...argv, '--json']).stdout) as VmJson;

describe('check --qemu-args: a Proxmox command line (qm showcmd) with -readconfig', () => {
  const argv = ['check', '--qemu-args', `${VM}/proxmox-showcmd.txt`, '--sysfs', sysfs('tgl-nuc11pahi7')];

  it('QEMU 10.0: both devices, behind the config file\'s root ports, refused at aw-bits 48 > 39, in kvm\'s own words', () => {
    const r = inRoot([...argv, '--qemu', '10.0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('      kvm: -device vfio-pci,host=0000:00:02.0,id=hostpci0,bus=ich9-pcie-port-1,addr=0x0: vfio 0000:00:02.0: Failed to set vIOMMU: aw-bits 48 > host aw-bits 39\n');
    expect(r.stdout).toContain('guest 00:1c.0 pcie-root-port → 01:00.0');
    expect(r.stdout).toContain("note: packages/cli/fixtures/vm/proxmox-showcmd.txt:1: Proxmox's machine type pc-q35-10.0+pve0 is taken as pc-q35-10.0");
    expect(r.stdout).toContain('    fix: aw-bits=39 on -device intel-iommu\n    or: -machine pc-q35-9.1, whose intel-iommu aw-bits default is 39 (pc_compat_9_1)\n');
  });

  it('QEMU 9.2 has no pc-q35-10.0: the machine type is refused, naming the ones it has', () => {
    const r = inRoot([...argv, '--qemu', '9.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('machine: pc-q35-10.0 is newer than QEMU 9.2 (it has q35 (= pc-q35-9.2), pc-q35-9.1, pc-q35-9.2)');
  });

  it('each remedy, applied to the command line, makes the device compatible', () => {
    const dir = makeTempDir();
    try {
      const text = readFileSync(join(ROOT, VM, 'proxmox-showcmd.txt'), 'utf8');
      for (const [fixed, change] of [
        [text.replace("'intel-iommu,intremap=on,caching-mode=on'", "'intel-iommu,intremap=on,caching-mode=on,aw-bits=39'"), 'aw-bits=39'],
        [text.replace('type=pc-q35-10.0+pve0', 'type=pc-q35-9.1+pve0'), 'pc-q35-9.1'],
      ] as const) {
        const file = join(dir, 'fixed.txt');
        writeFileSync(file, fixed);
        const r = inRoot(['check', '--qemu-args', file, '--sysfs', sysfs('tgl-nuc11pahi7'), '--qemu', '10.0']);
        expect(r.code, `${change}: ${r.stdout}`).toBe(0);
      }
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('check --qemu-args: libvirt\'s log (JSON -device, iommufd, a PCIe-to-PCI bridge)', () => {
  const argv = ['check', '--qemu-args', `${VM}/libvirt-qemu.log`];

  it('takes the QEMU version from the log (10.0.0) and the last start in it', () => {
    const r = inRoot([...argv, '--sysfs', sysfs('mtl-h-spectre-x360-16')]);
    expect(r.stdout.split('\n')[0]).toBe('hiodkit check · QEMU 10.0 on pc-q35-10.0 (profile xflts-refuse, qemu aa68a9fbdb81) · no CONFIG_VTD_ACCEL yet');
  });

  it('at 11.0 on a Meteor Lake host: aw-bits 48 > 42 for both, the fix turns nesting off, and QEMU\'s line is the JSON option', () => {
    const out = json([...argv, '--sysfs', sysfs('mtl-h-spectre-x360-16'), '--qemu', '11.0']);
    expect(out.verdicts.map((v) => v.decidedBy.id)).toEqual(['aw-bits-exceed-host', 'aw-bits-exceed-host']);
    expect(out.verdicts[0]?.line).toBe('qemu-system-x86_64: -device {"driver":"vfio-pci","host":"0000:00:02.0","id":"hostdev0","iommufd":"iommufd0","bus":"pci.1","addr":"0x0"}: vfio 0000:00:02.0: Failed to set vIOMMU: aw-bits 48 > host aw-bits 42\n');
    expect(out.verdicts[1]?.placement).toBe('00:02.1 pcie-root-port → 02:00.0 pcie-pci-bridge → 03:01.0');
    expect(out.verdicts[0]?.remedies[0]?.change).toEqual({ kind: 'set', values: { flts: false, awBits: 39 } });
  });

  it('with the host\'s width big enough (--host-aw-bits 48), the device behind the pcie-pci-bridge meets the bridge check and its fix', () => {
    const out = json([...argv, '--sysfs', sysfs('mtl-h-spectre-x360-16'), '--qemu', '11.0', '--host-aw-bits', '48']);
    expect(out.verdicts.map((v) => v.decidedBy.id)).toEqual(['first-stage-accept', 'behind-pci-bridge']);
    expect(out.verdicts[1]?.remedies[0]?.text).toContain('pcie-root-port');
  });
});

describe('a QEMU command line against a real machine, release by release', () => {
  it.each(['10.0', '10.1', '10.2', '11.0'])('libvirt\'s log at QEMU %s: both devices refused at aw-bits 48 > 39 on the Tiger Lake host', (qemu) => {
    const out = json(['check', '--qemu-args', `${VM}/libvirt-qemu.log`, '--sysfs', sysfs('tgl-nuc11pahi7'), '--qemu', qemu]);
    expect(out.verdicts.map((v) => v.decidedBy.id)).toEqual(['aw-bits-exceed-host', 'aw-bits-exceed-host']);
  });

  it('at 11.1 the x- names are gone (scalable-mode, fsts): the property is refused at the option, naming its new name', () => {
    const r = inRoot(['check', '--qemu-args', `${VM}/libvirt-qemu.log`, '--sysfs', sysfs('tgl-nuc11pahi7'), '--qemu', '11.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("packages/cli/fixtures/vm/libvirt-qemu.log:12 x-scalable-mode: Property 'intel-iommu.x-scalable-mode' not found at profile pasid");
    expect(r.stderr).toContain("at profile pasid it is 'scalable-mode'");
  });
});

describe('check --libvirt: a domain with <iommu model=\'intel\'>, <qemu:override> and two hostdevs', () => {
  const argv = ['check', '--libvirt', `${VM}/domain.xml`, '--sysfs', sysfs('mtl-h-spectre-x360-16')];

  it('maps the driver attributes and the override as libvirt writes them, and names the fix in libvirt\'s terms', () => {
    const r = inRoot([...argv, '--qemu', '11.0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('guest: -device {"driver":"intel-iommu","id":"iommu0","intremap":"on","caching-mode":true,"aw-bits":48,"x-scalable-mode":true,"x-flts":true}\n');
    expect(r.stdout).toContain("    fix: <driver aw_bits='39'/> in <iommu model='intel'> with x-flts=off (in the <qemu:override>)");
  });

  it('the hostdev without <driver iommufd=\'yes\'/> is legacy VFIO: with room for 48 bits, 11.0 says so and names the iommufd remedy', () => {
    const out = json([...argv, '--qemu', '11.0', '--host-aw-bits', '48']);
    expect(out.verdicts.map((v) => v.decidedBy.id)).toEqual(['first-stage-accept', 'not-iommufd']);
    expect(out.verdicts[1]?.remedies[0]?.text).toBe("<driver iommufd='yes'/> in this <hostdev>");
  });

  it('machine pc-q35-9.1 on QEMU 10.0 without caching-mode: at 10.0 the attach accepts, and QEMU stops at machine done', () => {
    const dir = makeTempDir();
    try {
      const file = join(dir, 'domain.xml');
      writeFileSync(file, `<domain type='kvm'><os><type machine='pc-q35-9.1'>hvm</type></os><devices><controller type='pci' index='0' model='pcie-root'/><hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0' slot='2' function='0'/></source><address type='pci' bus='0' slot='3' function='0'/></hostdev><iommu model='intel'/></devices></domain>`);
      const r = run(['check', '--libvirt', file, '--sysfs', join(ROOT, sysfs('tgl-nuc11pahi7')), '--qemu', '10.0']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('second-stage-accept');
      expect(r.stdout).toContain('after the devices attach, at machine done:\n    qemu-system-x86_64: We need to set caching-mode=on for intel-iommu to enable device assignment with IOMMU protection.\n');
      expect(r.stdout).toContain("  fix: <driver caching_mode='on'/> in <iommu model='intel'>\n");
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('check --qemu-args: what QEMU refuses before the devices, and what the model cannot represent', () => {
  const dir = makeTempDir();
  afterAll(() => removeTempDir(dir));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const check = (text: string, qemu = '11.0') => run(['check', '--qemu-args', write('args.txt', text), '--sysfs', join(ROOT, sysfs('tgl-nuc11pahi7')), '--qemu', qemu]);

  it('two intel-iommu devices: QEMU\'s error at the second, exit 2', () => {
    const r = check('qemu-system-x86_64 -M q35 -device intel-iommu,caching-mode=on -device intel-iommu -device vfio-pci,host=00:02.0');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('qemu-system-x86_64: -device intel-iommu: QEMU does not support multiple vIOMMUs for x86 yet.');
  });

  it('two vfio-pci devices in one slot: the PCI core\'s refusal, before any vIOMMU check', () => {
    const r = check('qemu-system-x86_64 -M q35 -device intel-iommu,caching-mode=on -device vfio-pci,host=00:02.0,id=a,addr=5 -device vfio-pci,host=01:00.0,id=b,addr=0x5.0');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('qemu-system-x86_64: -device vfio-pci,host=01:00.0,id=b,addr=0x5.0: PCI: slot 5 function 0 not available for vfio-pci, in use by vfio-pci,id=a');
  });

  it('a property QEMU refuses, in a JSON -device, in the JSON visitor\'s words', () => {
    const r = check(`qemu-system-x86_64 -M q35 -device '{"driver":"intel-iommu","caching-mode":"on"}' -device vfio-pci,host=00:02.0`);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`qemu-system-x86_64: -device {"driver":"intel-iommu","caching-mode":"on"}: Invalid parameter type for 'caching-mode', expected: boolean`);
  });

  it('-global intel-iommu.aw-bits=39 applies over the machine default; the device\'s own value wins over it', () => {
    const args = (extra: string) => `qemu-system-x86_64 -M q35 -global intel-iommu.aw-bits=39 -device intel-iommu,caching-mode=on${extra} -device vfio-pci,host=00:02.0`;
    expect(check(args(''), '10.0').code).toBe(0);
    expect(check(args(',aw-bits=48'), '10.0').code).toBe(1);
  });

  it(',, is a comma inside a value, and -set changes a QemuOpts -device that comes before it', () => {
    const r = check('qemu-system-x86_64 -M q35 -device intel-iommu,id=vi,caching-mode=on -set device.vi.aw-bits=39 -device vfio-pci,romfile=/tmp/a,,host=01:00.0,host=00:02.0', '10.0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  group 0  0000:00:02.0  COMPATIBLE  second-stage-accept');
  });

  it('a bus the model does not represent is named', () => {
    const r = check('qemu-system-x86_64 -M q35 -device intel-iommu,caching-mode=on -device pxb-pcie,id=pxb1,bus_nr=64 -device vfio-pci,host=00:02.0,bus=pxb1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bus "pxb1" belongs to -device pxb-pcie, which hiodkit\'s PCI model does not represent');
  });

  it('no -machine, or not q35: intel-iommu needs q35', () => {
    expect(check('qemu-system-x86_64 -device intel-iommu -device vfio-pci,host=00:02.0').stderr).toContain('no -machine: QEMU starts x86 as pc (i440fx) then, and intel-iommu is only supported by -machine q35');
    expect(check('qemu-system-x86_64 -machine pc-i440fx-9.1 -device intel-iommu').stderr).toContain('"pc-i440fx-9.1" is not a q35 machine type');
  });

  it('no intel-iommu: no vIOMMU check runs, exit 0', () => {
    const r = check('qemu-system-x86_64 -machine q35 -device vfio-pci,host=00:02.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: no -device intel-iommu: QEMU attaches the vfio-pci devices without a vIOMMU and runs no host-device check');
  });

  it('default_bus_bypass_iommu=on: pcie.0 bypasses the vIOMMU, QEMU runs no host-device check, exit 0; =off changes nothing', () => {
    const devices = '-device intel-iommu,caching-mode=on -device vfio-pci,host=00:02.0';
    const on = check(`qemu-system-x86_64 -machine q35,default_bus_bypass_iommu=on ${devices}`);
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/note: .*args\.txt:1: default-bus-bypass-iommu=on: every device on pcie\.0 bypasses intel-iommu, so QEMU attaches the vfio-pci devices without the vIOMMU and runs no host-device check/);
    expect(on.stdout).not.toContain('0000:00:02.0');
    const off = check(`qemu-system-x86_64 -machine q35,default-bus-bypass-iommu=off ${devices}`);
    expect(off.stdout).toContain('0000:00:02.0');
    expect(off.stdout).not.toContain('bypasses intel-iommu');
  });

  it('with the bypass, QEMU 9.1 still stops at machine done without caching-mode: that check looks at every vfio-pci', () => {
    const r = check('qemu-system-x86_64 -machine q35,default-bus-bypass-iommu=on -device intel-iommu -device vfio-pci,host=00:02.0', '9.1');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('We need to set caching-mode=on for intel-iommu to enable device assignment with IOMMU protection.');
  });

  it('an option hiodkit does not know is named in a note, with what was taken as its value', () => {
    const r = check('qemu-system-x86_64 -M q35 -frobnicate 3 -device intel-iommu,caching-mode=on -device vfio-pci,host=00:02.0', '9.2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/note: .*args\.txt:1: -frobnicate is not in hiodkit's table of QEMU options; "3" was taken as its value/);
  });
});

describe('check --qemu-args - (standard input), through the real binary', () => {
  it('reads the command line from stdin, as `ps -o args= -p PID | hiodkit check --qemu-args -` gives it', () => {
    const text = readFileSync(join(ROOT, VM, 'proxmox-showcmd.txt'), 'utf8');
    const r = spawnSync(process.execPath, [BIN, 'check', '--qemu-args', '-', '--sysfs', sysfs('tgl-nuc11pahi7'), '--qemu', '10.0', '--json'], { cwd: ROOT, input: text, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as VmJson;
    expect(out.verdicts.map((v) => [v.host, v.decidedBy.id])).toEqual([
      ['0000:00:02.0', 'aw-bits-exceed-host'],
      ['0000:01:00.0', 'aw-bits-exceed-host'],
    ]);
  }, 60_000);
});
