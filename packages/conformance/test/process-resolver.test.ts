import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEED_KCONFIG, minikconfResolution } from '@hiodkit/core';
import {
  KIT_HELLO,
  PluginLoadError,
  decodeHello,
  decodeResolutionAnswer,
  encodeKconfigRequest,
  openProcessPlugin,
  processPlugin,
  processResolver,
  runResolverConformance,
  schemaProblems,
  type ProcessCommand,
} from '../src/index.js';

const SEED = 20_260_106;
const FIXTURES = fileURLToPath(new URL('./fixtures/protocol/', import.meta.url));

/** The resolver fixture, run by node as any other program would be (it imports @hiodkit/core as built). */
const resolver = (mode = 'correct'): ProcessCommand => ({ command: process.execPath, args: [join(FIXTURES, 'resolver.mjs'), mode] });
const checker: ProcessCommand = { command: process.execPath, args: [join(FIXTURES, 'good.mjs')] };
const OPTIONS = { timeLimitMs: 5000, startupTimeoutMs: 30_000 };

const BUILD = { rules: SEED_KCONFIG, host: { LINUX: true }, mak: { VTD: true, VFIO: true, IOMMUFD: true }, defaultDevices: true };

describe('protocol 2: the hellos and the Kconfig request', () => {
  it('the kit says protocol 2; a checker may answer 1 (no kind) or 2 (kind "checker" or none); a resolver answers 2', () => {
    expect(KIT_HELLO).toEqual({ hiodkit: 'hello', protocol: 2 });
    const implementsSeed = { profile: 'seed', kconfig: { VTD_ACCEL: true } };
    expect(decodeHello(JSON.stringify({ hiodkit: 'hello', protocol: 1, name: 'old', implements: implementsSeed }), 1)).toMatchObject({ ok: true });
    expect(decodeHello(JSON.stringify({ hiodkit: 'hello', protocol: 2, kind: 'checker', name: 'new', implements: implementsSeed }), 1)).toMatchObject({ ok: true });
    expect(decodeHello(JSON.stringify({ hiodkit: 'hello', protocol: 2, name: 'new', implements: implementsSeed }), 1)).toMatchObject({ ok: true });
    expect(decodeHello(JSON.stringify({ hiodkit: 'hello', protocol: 2, kind: 'kconfig-resolver', name: 'r' }), 1)).toEqual({ ok: true, hello: { hiodkit: 'hello', protocol: 2, kind: 'kconfig-resolver', name: 'r' } });
  });

  it.each([
    ['a kind with protocol 1', { protocol: 1, kind: 'kconfig-resolver', name: 'r' }, 'hello.kind: comes with protocol 2'],
    ['a resolver declaring a checker profile', { protocol: 2, kind: 'kconfig-resolver', name: 'r', implements: { profile: 'seed', kconfig: { VTD_ACCEL: true } } }, "hello.implements: a kconfig-resolver's hello has no implements"],
    ['an unknown kind', { protocol: 2, kind: 'linker', name: 'r' }, 'hello.kind: must be one of "checker", "kconfig-resolver"'],
    ['a checker without implements', { protocol: 2, kind: 'checker', name: 'c' }, "hello: must have required property 'implements'"],
    ['protocol 3', { protocol: 3, kind: 'kconfig-resolver', name: 'r' }, 'it speaks protocol 3, but this kit speaks protocols 1 and 2 only'],
  ])('refuses %s, naming the field', (_what, fields, reason) => {
    const hello = decodeHello(JSON.stringify({ hiodkit: 'hello', ...fields }), 1);
    expect(hello.ok).toBe(false);
    if (!hello.ok) expect(hello.reason).toContain(reason);
  });

  it('writes Kconfig requests the request schema accepts, id first and only the four input fields', () => {
    const line = encodeKconfigRequest(7, { ...BUILD, extra: 1 } as typeof BUILD);
    expect(line.startsWith('{"id":7,"kconfig":{"rules":')).toBe(true);
    expect(schemaProblems('protocol-kconfig-request.schema.json', JSON.parse(line), 'request')).toEqual([]);
    expect(schemaProblems('protocol-kconfig-request.schema.json', { id: 1, kconfig: { ...BUILD, mak: { 'CONFIG X': true } } }, 'request')).toEqual(['request.kconfig.mak: key "CONFIG X": must match pattern "^[A-Za-z0-9][A-Za-z0-9_]*$"']);
  });

  it.each([
    ['a repeated key', '{"id":3,"resolution":{"ok":true,"ok":true,"values":{}}}', 'invalid', 'answer.resolution.ok: is given twice in the same object'],
    ['an unknown member', '{"id":3,"resolution":{"ok":true,"values":{}},"note":1}', 'invalid', 'answer: has unexpected property "note"'],
    ['a value that is not a boolean', '{"id":3,"resolution":{"ok":true,"values":{"VTD":"y"}}}', 'invalid', 'answer.resolution.values.VTD: must be boolean'],
    ['an error without its message', '{"id":3,"resolution":{"ok":false,"error":{}}}', 'invalid', "answer.resolution.error: must have required property 'message'"],
    ['no id', '{"resolution":{"ok":true,"values":{}}}', 'garbage', "answer: must have required property 'id'"],
  ])('decodes an answer with %s as not a resolution, naming the field', (_what, line, kind, problem) => {
    const d = decodeResolutionAnswer(line, 4);
    expect(d.kind).toBe(kind);
    if (d.kind !== 'answer') expect(d.problems.join('\n')).toContain(`stdout line 4: ${problem}`);
  });

  it('decodes a valid answer into a fresh resolution', () => {
    expect(decodeResolutionAnswer('{"resolution":{"ok":false,"error":{"message":"there were undefined symbols"}},"id":9}', 2)).toEqual({ kind: 'answer', id: 9, resolution: { ok: false, error: { message: 'there were undefined symbols' } } });
  });
});

describe('a Kconfig resolver over the process protocol', () => {
  it('a correct resolver process resolves as minikconf and passes every resolver property', { timeout: 120_000 }, () => {
    const handle = processResolver(resolver(), OPTIONS);
    try {
      expect(handle).toMatchObject({ kind: 'kconfig-resolver', name: 'resolver-correct', isolation: 'process' });
      expect(handle.invoke(BUILD)).toEqual({ kind: 'resolution', resolution: minikconfResolution(BUILD), elapsedMs: expect.any(Number) as number });
      const report = runResolverConformance(handle, { seed: SEED, numRuns: 60, timeLimitMs: 5000 });
      expect(report.properties.filter((p) => p.status !== 'passed').map((p) => p.id)).toEqual([]);
      expect(report.resolver).toEqual({ name: 'resolver-correct', isolation: 'process' });
      expect(schemaProblems('resolver-report.schema.json', JSON.parse(JSON.stringify(report)), 'report')).toEqual([]);
    } finally {
      handle.close();
    }
    expect(handle.exitStatus).toBe('exited with code 0');
  });

  it('a resolver process that treats imply as select is caught by seed-builds', { timeout: 120_000 }, () => {
    const handle = processResolver(resolver('imply-as-select'), OPTIONS);
    try {
      const report = runResolverConformance(handle, { seed: SEED, numRuns: 30, timeLimitMs: 5000, properties: ['kconfig-resolver/seed-builds'] });
      expect(report.conformant).toBe(false);
      const failed = report.properties[0];
      expect(failed?.status).toBe('failed');
      if (failed?.status === 'failed') expect(failed.failure.summary).toContain("the resolver's resolution differs from minikconf's");
    } finally {
      handle.close();
    }
  });

  it.each([
    ['duplicate-key', 'is given twice in the same object'],
    ['unknown-field', 'answer: has unexpected property "note"'],
    ['wrong-type', 'must be boolean'],
  ])('an answer with %s is a failed call naming the field, not a resolution', { timeout: 60_000 }, (mode, problem) => {
    const handle = processResolver(resolver(mode), OPTIONS);
    try {
      const inv = handle.invoke(BUILD);
      expect(inv.kind).toBe('invalid');
      if (inv.kind === 'invalid') expect(inv.problems.join('\n')).toContain(problem);
      const report = runResolverConformance(handle, { seed: SEED, numRuns: 20, timeLimitMs: 5000, properties: ['kconfig-resolver/contract'] });
      const contract = report.properties[0];
      if (contract?.status !== 'failed') throw new Error('the contract should fail');
      expect(contract.failure.summary).toContain('which is not a Kconfig resolution');
    } finally {
      handle.close();
    }
  });

  it('a hello that mixes the kinds is refused at the handshake', { timeout: 60_000 }, () => {
    expect(() => processResolver(resolver('hello-with-implements'), OPTIONS)).toThrow(PluginLoadError);
    expect(() => processResolver(resolver('hello-with-implements'), OPTIONS)).toThrow(/hello\.implements: a kconfig-resolver's hello has no implements/);
  });

  it('openProcessPlugin tells the kinds apart by the hello; each typed opener refuses the other kind', { timeout: 60_000 }, () => {
    const opened = openProcessPlugin(checker, OPTIONS);
    opened.handle.close();
    expect(opened.kind).toBe('checker');
    expect(() => processResolver(checker, OPTIONS)).toThrow(/its hello says it is a checker, not a kconfig-resolver/);
    expect(() => processPlugin(resolver(), OPTIONS)).toThrow(/its hello says it is a kconfig-resolver, not a checker/);
  });
});
