// The kit as a consumer gets it: the packed tarballs installed with npm in a project outside the
// workspace, a three-line vitest file on a plugin written there, and the hiodkit bin. The project
// runs on the Node running these tests with vitest 4.1, or on each Node and vitest that
// HIODKIT_CONSUMER_RUNTIMES names (.ci/run: this Node with vitest 4.1, Node 22 and 24 with vitest 5).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PACKAGES } from './packages.js';

/** A Node binary the consumer's npm, npx and bins run on (first on their PATH), and the vitest range the project installs. */
interface Runtime {
  readonly node: string;
  readonly version: string;
  readonly vitest: string;
  readonly vitestMajor: number;
  /** Node strips erasable TypeScript itself (process.features.typescript: 22.18 and 23.6 on) */
  readonly stripsTypes: boolean;
}

function runtime(node: string, vitest: string): Runtime {
  const version = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error(`${node} -p process.version failed:\n${version.stderr}`);
  const major = /^[\^~]?(\d+)\./.exec(vitest);
  if (!major) throw new Error(`vitest range "${vitest}" does not start with its major version`);
  const strips = spawnSync(node, ['-p', 'Boolean(process.features.typescript)'], { encoding: 'utf8' });
  return { node, version: version.stdout.trim(), vitest, vitestMajor: Number(major[1]), stripsTypes: strips.stdout.trim() === 'true' };
}

/**
 * HIODKIT_CONSUMER_RUNTIMES is space-separated `<node major>:<vitest range>`, each Node the real
 * binary `npx -y node@<major>` runs, or `local:<vitest range>` for the Node running these tests.
 */
function runtimes(): Runtime[] {
  const spec = process.env['HIODKIT_CONSUMER_RUNTIMES']?.trim();
  if (!spec) return [runtime(process.execPath, '^4.1.0')];
  return spec.split(/\s+/).map((entry) => {
    const local = /^local:(\S+)$/.exec(entry);
    if (local?.[1]) return runtime(process.execPath, local[1]);
    const m = /^(\d+):(\S+)$/.exec(entry);
    if (!m?.[1] || !m[2]) throw new Error(`HIODKIT_CONSUMER_RUNTIMES: "${entry}" is not <node major>:<vitest range> or local:<vitest range>`);
    const npx = spawnSync('npx', ['-y', `node@${m[1]}`, '-p', 'process.execPath'], { cwd: tmpdir(), encoding: 'utf8', timeout: 280_000 });
    if (npx.status !== 0) throw new Error(`npx -y node@${m[1]} failed:\n${npx.stdout}\n${npx.stderr}`);
    const rt = runtime(npx.stdout.trim(), m[2]);
    if (!rt.version.startsWith(`v${m[1]}.`)) throw new Error(`npx -y node@${m[1]} ran Node ${rt.version}`);
    return rt;
  });
}

/** A seed-profile checker written from docs/BEHAVIOUR.md in the consumer's project; `unsignedType` plants a fault. */
const CHECKER = `import type { CheckerPlugin, Outcome } from '@hiodkit/core';

const fail = (message: string): Outcome => ({ ok: false, error: { message, hints: [] } });

function checker(name: string, unsignedType: boolean): CheckerPlugin {
  return {
    name,
    implements: { profile: 'seed', kconfig: { VTD_ACCEL: true } },
    check(guest, device) {
      const s = guest.props;
      if (!s.cachingMode) return fail('Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.');
      if (guest.attached.some((a) => a.bus === device.pci.bus && a.devfn === device.pci.devfn)) return fail('Host IOMMU device already exist');
      if (device.awBits.kind === 'no-get-cap') return fail('.get_cap() not implemented');
      if (device.awBits.kind === 'error') return { ok: false, error: device.awBits.error };
      if (s.awBits > device.awBits.bits) return fail(\`aw-bits \${s.awBits} > host aw-bits \${device.awBits.bits}\`);
      if (!s.flts) return { ok: true };
      if (![device.qom.type, ...device.qom.ancestors].includes('host-iommu-device-iommufd')) return fail('Need IOMMUFD backend when x-flts=on');
      // %d of a uint32_t prints as a signed int
      if (device.caps.type !== 1) return fail(\`Incompatible host platform IOMMU type \${unsignedType ? device.caps.type : device.caps.type | 0}\`);
      if (s.fs1gp && ((device.caps.vendorCaps.vtd.capReg >> 56n) & 1n) === 0n) return fail('First stage 1GB large page is unsupported by host IOMMU');
      return fail('host IOMMU is incompatible with guest first stage translation');
    },
  };
}

export const plugin = checker('consumer-checker', false);
export const brokenPlugin = checker('consumer-checker-unsigned-type', true);
`;

/** A module plugin: loaded into a worker by the installed kit, from its JavaScript build. */
const MODULE_PLUGIN = `import { vtdPlugin } from '@hiodkit/vtd';
export default vtdPlugin('seed');
`;

/** A program speaking the JSON-lines protocol, wrapping the installed vtd checker. */
const PROTOCOL_PLUGIN = `import { createInterface } from 'node:readline';
import { caseFromJson } from '@hiodkit/conformance';
import { vtdPlugin } from '@hiodkit/vtd';
const plugin = vtdPlugin('seed');
for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line);
  if (message.hiodkit === 'hello') {
    process.stdout.write(JSON.stringify({ hiodkit: 'hello', protocol: 1, name: 'consumer-process', implements: plugin.implements }) + '\\n');
    continue;
  }
  const c = caseFromJson({ guest: message.guest, device: message.device });
  process.stdout.write(JSON.stringify({ id: message.id, outcome: plugin.check(c.guest, c.device) }) + '\\n');
}
`;

for (const rt of runtimes()) {
  describe(`a consumer project on Node ${rt.version} with vitest@${rt.vitest}, the packed packages installed by npm`, () => {
    const project = mkdtempSync(join(tmpdir(), 'hiodkit-consumer-'));
    const env = { ...process.env, PATH: `${dirname(rt.node)}${delimiter}${process.env['PATH'] ?? ''}`, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', npm_config_loglevel: 'error' };

    function run(command: string, args: string[]) {
      const r = spawnSync(command, args, { cwd: project, encoding: 'utf8', env, timeout: 280_000 });
      return { code: r.status, stdout: r.stdout, out: `${r.stdout}\n${r.stderr}` };
    }

    beforeAll(() => {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'hiodkit-consumer', private: true, type: 'module' }, null, 2));
      mkdirSync(join(project, 'src'));
      mkdirSync(join(project, 'test'));
      writeFileSync(join(project, 'src', 'checker.ts'), CHECKER);
      writeFileSync(join(project, 'src', 'module-plugin.mjs'), MODULE_PLUGIN);
      // an enum is TypeScript that type stripping cannot erase
      writeFileSync(join(project, 'src', 'enum-checker.ts'), "import { vtdPlugin } from '@hiodkit/vtd';\nenum Profile { Seed = 'seed' }\nexport default vtdPlugin(Profile.Seed);\n");
      writeFileSync(join(project, 'src', 'protocol-plugin.mjs'), PROTOCOL_PLUGIN);
      writeFileSync(join(project, 'test', 'checker.test.ts'), "import { describeConformance } from '@hiodkit/conformance/vitest';\nimport { plugin } from '../src/checker.js';\ndescribeConformance(plugin);\n");
      writeFileSync(join(project, 'test', 'broken.test.ts'), "import { describeConformance } from '@hiodkit/conformance/vitest';\nimport { brokenPlugin } from '../src/checker.js';\ndescribeConformance(brokenPlugin);\n");
      // a module plugin named relative to the test file, which vitest does not run from
      writeFileSync(join(project, 'test', 'module.test.ts'), "import { describeConformance } from '@hiodkit/conformance/vitest';\ndescribeConformance({ module: '../src/module-plugin.mjs' }, { properties: ['contract'] });\n");
      const tarballs = PACKAGES.map((p) => inject('tarballs')[p] as string);
      const install = run('npm', ['install', '--no-audit', '--no-fund', ...tarballs, `vitest@${rt.vitest}`, 'fast-check@^4']);
      if (install.code !== 0) throw new Error(`npm install failed:\n${install.out}`);
    }, 300_000);

    afterAll(() => rmSync(project, { recursive: true, force: true }));

    it(`npm and the installed vitest run on Node ${rt.version}, and the vitest is ${rt.vitestMajor}.x`, () => {
      const npm = run('npm', ['version', '--json']);
      expect(npm.code).toBe(0);
      expect((JSON.parse(npm.stdout) as Record<string, string>)['node']).toBe(rt.version.slice(1));
      const vitest = run('npx', ['vitest', '--version']);
      expect(vitest.code).toBe(0);
      expect(vitest.out).toMatch(new RegExp(`^vitest/${rt.vitestMajor}\\.\\d+\\.\\d+ \\S+ node-${rt.version.replaceAll('.', '\\.')}$`, 'm'));
    });

    it('a correct plugin passes every property through describeConformance', () => {
      const { code, out } = run('npx', ['vitest', 'run', '--reporter=verbose', 'test/checker.test.ts']);
      for (const id of ['contract', 'table-equivalence', 'precedence/first-failure', 'precedence/repair-exposes-next', 'precedence/break-hides-later', 'final-rejection', 'kconfig']) {
        expect(out).toContain(`hiodkit conformance: consumer-checker (profile seed) > ${id}`);
      }
      // the stub property does not apply to an accel checker: skipped, with its reason, not dropped
      expect(out).toMatch(/Tests\s+7 passed \| 1 skipped \(8\)/);
      expect(code).toBe(0);
    });

    it('a broken plugin fails, naming the property and showing a counterexample', () => {
      const { code, out } = run('npx', ['vitest', 'run', '--reporter=verbose', 'test/broken.test.ts']);
      expect(code).toBe(1);
      expect(out).toContain('[table-equivalence]');
      expect(out).toMatch(/expected: reject: "Incompatible host platform IOMMU type -\d+"/);
      expect(out).toMatch(/actual: {3}reject: "Incompatible host platform IOMMU type \d+"/);
      expect(out).toMatch(/case: \{"guest":\{"props":/);
      expect(out).toMatch(/replay: describeConformance\(plugin, \{ seed: 24301, numRuns: 200, path: "[\d:]+", properties: \["table-equivalence"\] \}\)/);
    });

    it('a module plugin given by a path relative to the test file loads in a worker', () => {
      const { code, out } = run('npx', ['vitest', 'run', '--reporter=verbose', 'test/module.test.ts']);
      expect(out).toContain('hiodkit conformance: vtd-accel@seed (profile seed) > contract');
      expect(code).toBe(0);
    });

    it(
      rt.stripsTypes
        ? 'a TypeScript module plugin without tsx: this Node strips its types and runs it'
        : 'a TypeScript module plugin without tsx installed: exit 2, with the command that installs it',
      () => {
        const { code, out } = run('npx', ['hiodkit', 'conform', '--plugin', 'src/checker.ts', '--export', 'plugin', '--runs', '5']);
        if (rt.stripsTypes) {
          expect(out).toContain('hiodkit conformance: consumer-checker (worker)');
          expect(code).toBe(0);
        } else {
          expect(out).toContain('is TypeScript, which needs tsx (an optional peer of @hiodkit/conformance): npm install --save-dev tsx');
          expect(code).toBe(2);
        }
      },
    );

    it('a TypeScript module plugin with an enum, without tsx: exit 2, naming tsx and the command that installs it', () => {
      const { code, out } = run('npx', ['hiodkit', 'conform', '--plugin', 'src/enum-checker.ts', '--runs', '5']);
      expect(out).toContain(rt.stripsTypes ? "uses TypeScript that Node's type stripping cannot run" : 'is TypeScript, which needs tsx');
      expect(out).toContain('npm install --save-dev tsx');
      expect(code).toBe(2);
    });

    it('hiodkit conform runs a module plugin in a worker, from the JavaScript build', () => {
      const { code, out } = run('npx', ['hiodkit', 'conform', '--plugin', 'src/module-plugin.mjs', '--runs', '50', '--time-limit', '10000']);
      expect(out).toContain('hiodkit conformance: vtd-accel@seed (worker)');
      expect(out).toContain('CONFORMANT');
      expect(code).toBe(0);
    });

    it('hiodkit conform --exec drives a JSON-lines program, from the JavaScript build', () => {
      const { code, out } = run('npx', ['hiodkit', 'conform', '--exec', `${rt.node} src/protocol-plugin.mjs`, '--runs', '50', '--time-limit', '10000']);
      expect(out).toContain('hiodkit conformance: consumer-process (process)');
      expect(out).toContain('CONFORMANT');
      expect(code).toBe(0);
    });

    it('the installed hiodkit bin answers for a bundled host', () => {
      const { code, out } = run('npx', ['hiodkit', 'check', '--host', 'node_modules/@hiodkit/cli/hosts/client-pch.json', '--host-aw-bits', '48']);
      expect(out).toContain(
        'qemu-system-x86_64: -device vfio-pci,host=0000:02:00.0,iommufd=iommufd0: vfio 0000:02:00.0: Failed to set vIOMMU: First stage 1GB large page is unsupported by host IOMMU',
      );
      expect(out).toContain('decided by fs1gp-unsupported');
      expect(code).toBe(1);
    });
  });
}
