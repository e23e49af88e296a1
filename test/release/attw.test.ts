import { readFileSync } from 'node:fs';
import { checkPackage, createPackageFromTarballData, type ResolutionKind } from '@arethetypeswrong/core';
import { describe, expect, inject, it } from 'vitest';
import { PACKAGES } from './packages.js';

// attw's esm-only profile: a package that ships no CommonJS is not asked to resolve for require()
const IGNORED: readonly ResolutionKind[] = ['node10', 'node16-cjs'];

// attw's own analysis, in this thread: its CLI would load a TypeScript of its own for each tarball
describe('are the types wrong? (attw, profile esm-only) on every tarball', () => {
  it.each(PACKAGES)('@hiodkit/%s', async (pkg) => {
    const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(inject('tarballs')[pkg] as string))));
    expect(analysis.types, 'the package ships no types').not.toBe(false);
    if (analysis.types === false) return;
    const problems = analysis.problems.filter((p) => !('resolutionKind' in p) || !IGNORED.includes(p.resolutionKind));
    expect(problems).toEqual([]);
    // every entry point resolves, with types, for ESM under node16 and for bundlers
    const entrypoints = Object.values(analysis.entrypoints);
    expect(entrypoints.length).toBeGreaterThan(1);
    for (const entry of entrypoints) {
      for (const kind of ['node16-esm', 'bundler'] as const) {
        const resolved = entry.resolutions[kind];
        if (resolved.isWildcard === true) continue;
        const found = resolved.resolution === undefined ? 'nothing' : resolved.resolution.isJson ? 'json' : resolved.resolution.isTypeScript ? 'types' : 'untyped JavaScript';
        expect([entry.subpath, kind, found]).toEqual([entry.subpath, kind, expect.stringMatching(/^(types|json)$/)]);
      }
    }
  });
});
