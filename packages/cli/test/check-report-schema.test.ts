import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CLI_DIR, MACHINES, SYSFS, host, run } from './helpers.js';

const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(CLI_DIR, 'schemas', 'check-report.schema.json'), 'utf8')) as object);
const ROOT = join(CLI_DIR, '..', '..');

describe('check --json follows schemas/check-report.schema.json', () => {
  it.each([
    ['the sample hosts', ['check']],
    ['a host file at a release', ['check', '--host', host('client-pch'), '--qemu', '10.0']],
    ['a DMAR unit alone', ['check', '--sysfs', join(SYSFS, 'class', 'iommu', 'dmar1')]],
    ['a whole machine', ['check', '--sysfs', join(MACHINES, 'clx-supermicro-x11dai-n', 'sys'), '--qemu', '11.0']],
    ['a Proxmox command line', ['check', '--qemu-args', 'packages/cli/fixtures/vm/proxmox-showcmd.txt', '--sysfs', join(MACHINES, 'tgl-nuc11pahi7', 'sys'), '--qemu', '10.0']],
    ['a libvirt domain', ['check', '--libvirt', 'packages/cli/fixtures/vm/domain.xml', '--sysfs', join(MACHINES, 'mtl-h-spectre-x360-16', 'sys'), '--qemu', '11.0']],
  ])('%s', (_what, argv) => {
    const r = run([...argv, '--json'], { cwd: ROOT });
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
    const out = JSON.parse(r.stdout) as unknown;
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
  });
});
