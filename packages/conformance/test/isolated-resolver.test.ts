import { describe, expect, it } from 'vitest';
import { isolatedPlugin, isolatedResolver, PluginLoadError, runResolverConformance, schemaProblems } from '../src/index.js';

const resolverModule = new URL('./fixtures/resolver-module.ts', import.meta.url);
const OPTIONS = { seed: 7, numRuns: 30, timeLimitMs: 5000 };

// each loads the module in a worker thread with tsx: a second or so apiece
describe('a Kconfig resolver module in a worker thread', { timeout: 60_000 }, () => {
  it('runResolverConformance({ module }) loads it in a worker: the port conforms, its report validates', () => {
    const report = runResolverConformance({ module: resolverModule }, OPTIONS);
    expect(report.resolver).toEqual({ name: 'worker-minikconf', isolation: 'worker' });
    expect(report.conformant).toBe(true);
    expect(schemaProblems('resolver-report.schema.json', JSON.parse(JSON.stringify(report)), 'report')).toEqual([]);
  });

  it('imply treated as select fails seed-builds, as it does in-process', () => {
    const report = runResolverConformance({ module: resolverModule, export: 'impliesSelect' }, { ...OPTIONS, properties: ['kconfig-resolver/seed-builds'] });
    expect(report.conformant).toBe(false);
    expect(report.properties[0]?.status).toBe('failed');
  });

  it('a call that never returns is cut off at the limit and reported, not hung', () => {
    const handle = isolatedResolver({ module: resolverModule, export: 'hangs' }, { timeLimitMs: 200 });
    try {
      const inv = handle.invoke({ rules: 'config A\n    bool\n', host: {}, mak: {}, defaultDevices: true });
      expect(inv.kind).toBe('timeout');
    } finally {
      handle.close();
    }
  });

  it('each kind is refused where the other is wanted, naming what the module exports', () => {
    expect(() => isolatedPlugin({ module: resolverModule }, { timeLimitMs: 1000 })).toThrow(PluginLoadError);
    expect(() => isolatedPlugin({ module: resolverModule }, { timeLimitMs: 1000 })).toThrow(/exports a Kconfig resolver, not a checker plugin/);
    const checker = new URL('./fixtures/misbehaves.ts', import.meta.url);
    expect(() => isolatedResolver({ module: checker }, { timeLimitMs: 1000 })).toThrow(/exports a checker, not a Kconfig resolver/);
  });
});
