// Calling a plugin: in this thread (inProcessPlugin) and in a worker (isolatedPlugin), and what the
// kit makes of everything a plugin can do instead of returning an Outcome.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckerPlugin, type HostIommuDevice, type Outcome } from '@hiodkit/core';
import { vtdPlugin } from '@hiodkit/vtd';
import {
  PluginLoadError,
  canonicalCase,
  describeFailedInvocation,
  inProcessPlugin,
  isolatedPlugin,
  pickPlugin,
  pluginShapeProblems,
  runConformance,
  type Case,
  type Invocation,
  type PluginHandle,
} from '../src/index.js';

const DECLARATION = { profile: 'seed', kconfig: { VTD_ACCEL: true } } as const;
const ANSWER: Outcome = { ok: false, error: { message: 'an answer', hints: ['a hint'] } };

function plugin(check: (guest: Case['guest'], device: Case['device']) => unknown, name = 'test-plugin'): CheckerPlugin {
  return { name, implements: DECLARATION, check: check as CheckerPlugin['check'] };
}

function invokeOnce(check: (guest: Case['guest'], device: Case['device']) => unknown, c: Case = canonicalCase(), limitMs = 1000): Invocation {
  return inProcessPlugin(plugin(check), limitMs).invoke(c);
}

function invalid(inv: Invocation): Extract<Invocation, { kind: 'invalid' }> {
  expect(inv.kind).toBe('invalid');
  return inv as Extract<Invocation, { kind: 'invalid' }>;
}

function onBus(bus: number): Case {
  const c = canonicalCase();
  return { guest: c.guest, device: { ...c.device, pci: { ...c.device.pci, bus } } };
}

describe('inProcessPlugin', () => {
  it('passes the outcome through, a fresh copy, with the handle describing the plugin', () => {
    const handle = inProcessPlugin({ ...plugin(() => ANSWER, 'named'), knownFailures: ['stub'] }, 1000);
    expect(handle.name).toBe('named');
    expect(handle.isolation).toBe('in-process');
    expect(handle.declaration).toEqual(DECLARATION);
    expect(handle.knownFailures).toEqual(['stub']);
    const inv = handle.invoke(canonicalCase());
    expect(inv).toMatchObject({ kind: 'outcome', outcome: ANSWER });
    expect(inv).not.toHaveProperty('mutation');
    if (inv.kind === 'outcome') expect(inv.outcome).not.toBe(ANSWER);
  });

  // the checks the module path makes of an export, made of an object given in this thread
  it.each([
    ['an empty name', { ...vtdPlugin('seed'), name: '' }, 'name: must be a non-empty string'],
    ['no kconfig', { ...vtdPlugin('seed'), implements: { profile: 'seed' } }, 'implements.kconfig.VTD_ACCEL: must be a boolean'],
    ['kconfig without VTD_ACCEL', { ...vtdPlugin('seed'), implements: { profile: 'seed', kconfig: {} } }, 'implements.kconfig.VTD_ACCEL: must be a boolean'],
    ['no check', { name: 'x', implements: DECLARATION }, 'check: must be a function (guest, device) => Outcome'],
  ])('refuses an object with %s, as runConformance does, naming the problem', (_what, object, problem) => {
    const expected = new PluginLoadError(`the plugin object is not a checker plugin: ${problem}`);
    expect(() => inProcessPlugin(object as CheckerPlugin, 1000)).toThrow(expected);
    expect(() => runConformance(object as CheckerPlugin, { seed: 1, numRuns: 1 })).toThrow(expected);
  });

  it('a plugin that throws: kind threw, the error name and message, no stack', () => {
    const inv = invokeOnce(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'cap_reg')");
    });
    expect(inv.kind).toBe('threw');
    if (inv.kind === 'threw') {
      expect(inv.error).toBe("TypeError: Cannot read properties of undefined (reading 'cap_reg')");
      expect(inv.error).not.toMatch(/\n|\bat /);
      expect(describeFailedInvocation(inv)).toBe("threw TypeError: Cannot read properties of undefined (reading 'cap_reg')");
    }
  });

  it('a plugin that throws something other than an Error', () => {
    expect(invokeOnce(() => {
      throw 'just a string';
    })).toMatchObject({ kind: 'threw', error: "a non-Error value: 'just a string'" });
  });

  const notOutcomes: [string, () => unknown, string][] = [
    ['a string', () => 'accept', 'outcome: must be object'],
    ['{ ok: "yes" }', () => ({ ok: 'yes' }), 'outcome.ok: must be boolean'],
    ['{ ok: true, error }', () => ({ ok: true, error: { message: 'x', hints: [] } }), 'outcome: has unexpected property "error"'],
    ['{ ok: false } without error', () => ({ ok: false }), "outcome: must have required property 'error'"],
    ['a message with a NUL, which no C string holds', () => ({ ok: false, error: { message: 'a\u0000b', hints: [] } }), 'outcome.error.message: must match pattern "^[^\\u0000]*$"'],
    ['a hint that is not a string', () => ({ ok: false, error: { message: 'm', hints: ['a', 3] } }), 'outcome.error.hints[1]: must be string'],
    ['undefined', () => undefined, 'outcome: must be object'],
  ];
  it.each(notOutcomes)('returns %s: invalid, with a problem naming the field', (_what, check, problem) => {
    const inv = invalid(invokeOnce(check));
    expect(inv.problems).toContain(problem);
    expect(describeFailedInvocation(inv)).toContain('which is not an Outcome');
  });

  it('returns a Promise: invalid, it must answer synchronously', () => {
    const inv = invalid(invokeOnce(() => Promise.resolve({ ok: true })));
    expect(inv.value).toBe('a Promise');
    expect(inv.problems.join(' ')).toMatch(/Promise.*synchronously/);
  });

  it('returns an object whose getter throws: invalid, naming what was read', () => {
    const inv = invalid(
      invokeOnce(() => ({
        get ok(): boolean {
          throw new RangeError('no ok for you');
        },
      })),
    );
    expect(inv.problems.join(' ')).toContain('RangeError: no ok for you');
  });

  // The contract: nothing a plugin returns escapes as an exception. Checking for a thenable reads
  // `then`, which a hostile value can make throw.
  it('returns an object whose `then` getter throws: invalid, not an exception out of invoke', () => {
    const hostile = () =>
      Object.defineProperty({ ok: true }, 'then', {
        get() {
          throw new Error('then getter');
        },
      });
    let inv: Invocation | undefined;
    expect(() => {
      inv = invokeOnce(hostile);
    }).not.toThrow();
    expect(inv?.kind).toBe('invalid');
  });

  it('returns a Proxy that throws on every read: invalid, not an exception out of invoke', () => {
    const proxy = () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('proxy get');
          },
        },
      );
    let inv: Invocation | undefined;
    expect(() => {
      inv = invokeOnce(proxy);
    }).not.toThrow();
    expect(inv?.kind).toBe('invalid');
  });

  it('mutates the guest: the outcome comes with the path of the change', () => {
    const inv = invokeOnce((guest, device) => {
      (guest.attached as { bus: number; devfn: number }[]).push({ bus: device.pci.bus, devfn: device.pci.devfn });
      return ANSWER;
    });
    expect(inv).toMatchObject({ kind: 'outcome', outcome: ANSWER, mutation: 'guest.attached[0] was added' });
  });

  it('mutates the device: the path and both values', () => {
    const inv = invokeOnce((_guest, device) => {
      (device.caps as { type: number }).type = 0;
      return ANSWER;
    });
    expect(inv).toMatchObject({ kind: 'outcome', mutation: 'device.caps.type changed from 1 to 0' });
  });

  it('mutates a u64 register and deletes a property: both named', () => {
    const c = canonicalCase();
    const cap = c.device.caps.vendorCaps.vtd.capReg;
    const reg = invokeOnce((_guest, device) => {
      (device.caps.vendorCaps.vtd as { capReg: bigint }).capReg = cap ^ (1n << 56n);
      return ANSWER;
    }, c);
    expect(reg).toMatchObject({ mutation: `device.caps.vendorCaps.vtd.capReg changed from ${cap}n to ${cap ^ (1n << 56n)}n` });
    const deleted = invokeOnce((guest) => {
      delete (guest.props as { fs1gp?: boolean }).fs1gp;
      return ANSWER;
    }, c);
    expect(deleted).toMatchObject({ mutation: 'guest.props.fs1gp was deleted' });
  });

  it("leaves the kit's own case untouched after a mutating call", () => {
    const c = canonicalCase();
    const before = structuredClone(c);
    invokeOnce((guest, device) => {
      (guest.attached as unknown[]).push({ bus: 9, devfn: 9 });
      (guest.props as { cachingMode: boolean }).cachingMode = false;
      (device as { awBits: HostIommuDevice['awBits'] }).awBits = { kind: 'no-get-cap' };
      (device.qom.ancestors as string[]).length = 0;
      return ANSWER;
    }, c);
    expect(c).toEqual(before);
  });

  // A mutation that plants a throwing getter: diffing the inputs must not let it escape either.
  it('mutates its input into a throwing getter: still an invocation, not an exception', () => {
    const planter = (guest: Case['guest']) => {
      Object.defineProperty(guest.props, 'awBits', {
        enumerable: true,
        get() {
          throw new Error('planted getter');
        },
      });
      return ANSWER;
    };
    expect(() => invokeOnce(planter)).not.toThrow();
  });

  it('runs 30 ms with a 5 ms limit: timeout, reported once it returns', () => {
    const inv = invokeOnce(
      () => {
        const until = performance.now() + 30;
        while (performance.now() < until);
        return ANSWER;
      },
      canonicalCase(),
      5,
    );
    expect(inv.kind).toBe('timeout');
    if (inv.kind === 'timeout') {
      expect(inv.limitMs).toBe(5);
      expect(inv.elapsedMs).toBeGreaterThanOrEqual(30);
      expect(describeFailedInvocation(inv)).toBe('did not return within the 5 ms time limit');
    }
  });

  it('runConformance reports a hostile return value as a contract failure instead of throwing', () => {
    const good = vtdPlugin('seed');
    const hostile: CheckerPlugin = {
      ...good,
      name: 'hostile-then',
      check: (s, d) =>
        Object.defineProperty({ ...good.check(s, d) }, 'then', {
          get() {
            throw new Error('then getter');
          },
        }),
    };
    let status: string | undefined;
    expect(() => {
      status = runConformance(hostile, { seed: 1, numRuns: 5, properties: ['contract'] }).properties[0]?.status;
    }).not.toThrow();
    expect(status).toBe('failed');
  });
});

describe('pickPlugin and pluginShapeProblems', () => {
  it('accepts a plugin under default, then plugin, or the export asked for', () => {
    const p = vtdPlugin('seed');
    expect(pickPlugin({ default: p }, undefined)).toBe(p);
    expect(pickPlugin({ plugin: p, other: 1 }, undefined)).toBe(p);
    expect(pickPlugin({ mine: p }, 'mine')).toBe(p);
    expect(pluginShapeProblems(p)).toEqual([]);
  });

  it('names what is missing or wrong', () => {
    expect(pluginShapeProblems(null)).toEqual(['is not an object']);
    const problems = pluginShapeProblems({ name: '', implements: { profile: 'future', kconfig: {} }, check: 1, knownFailures: [1] });
    expect(problems).toEqual([
      'name: must be a non-empty string',
      'implements.profile: must be one of aw-only, xflts-refuse, xflts-refuse-cm, xflts-refuse-fs, seed, bridge, relaxed, fsts, pasid (got "future")',
      'implements.kconfig.VTD_ACCEL: must be a boolean',
      'check: must be a function (guest, device) => Outcome',
      'knownFailures: must be an array of property IDs or { property, seed, path } / { property, case } objects',
    ]);
    expect(() => pickPlugin({ a: 1, b: 2 }, undefined)).toThrow(new PluginLoadError('the module has no export "default" or "plugin" (it exports a, b)'));
    expect(() => pickPlugin({}, 'mine')).toThrow(/no export "mine" \(it exports nothing\)/);
  });
});

// generous: good calls must not time out on a loaded CI machine; each hang costs this much
const TIME_LIMIT_MS = 1000;
const fixture = (name: string) => ({ module: new URL(`./fixtures/${name}`, import.meta.url) });

// First, before any worker pool is booting in the background.
describe('isolatedPlugin refuses a module without a usable plugin', () => {
  function loadError(name: string): unknown {
    try {
      isolatedPlugin(fixture(name), { timeLimitMs: TIME_LIMIT_MS }).close();
    } catch (e) {
      return e;
    }
    return undefined;
  }

  it('a module with no plugin export: PluginLoadError naming its exports', () => {
    const e = loadError('no-export.ts');
    expect(e).toBeInstanceOf(PluginLoadError);
    expect((e as Error).message).toMatch(/no-export\.ts: .*no export "default" or "plugin" \(it exports checker, version\)/);
  });

  it('a module whose export is not a plugin: PluginLoadError naming the missing field', () => {
    const e = loadError('not-a-plugin.ts');
    expect(e).toBeInstanceOf(PluginLoadError);
    expect((e as Error).message).toMatch(/export "default" is not a checker plugin: implements: must be an object/);
  });

  it('a module that throws at import: PluginLoadError with its error', () => {
    const e = loadError('throws-at-import.ts');
    expect(e).toBeInstanceOf(PluginLoadError);
    expect((e as Error).message).toMatch(/throws-at-import\.ts: Error: fixture refuses to load/);
  });
});

describe('isolatedPlugin runs a module in a worker', () => {
  let misbehaves: PluginHandle;

  beforeAll(async () => {
    misbehaves = isolatedPlugin({ ...fixture('misbehaves.ts'), export: 'plugin' }, { timeLimitMs: TIME_LIMIT_MS });
    // let the spare workers finish booting, so that their start-up does not eat the time limit
    await sleep(1000);
  }, 30_000);

  afterAll(() => misbehaves?.close());

  it('describes the plugin from the worker', () => {
    expect(misbehaves.name).toBe('fixture-misbehaves');
    expect(misbehaves.isolation).toBe('worker');
    expect(misbehaves.declaration).toEqual(DECLARATION);
    expect(misbehaves.knownFailures).toEqual([]);
  });

  it('answers', () => {
    expect(misbehaves.invoke(onBus(0))).toMatchObject({ kind: 'outcome', outcome: { ok: false, error: { message: 'fixture answered for 0000:02:00.0', hints: [] } } });
  });

  it('a call that hangs: timeout, and the next call still works (the worker was replaced)', () => {
    const start = performance.now();
    const hung = misbehaves.invoke(onBus(3));
    expect(hung).toMatchObject({ kind: 'timeout', limitMs: TIME_LIMIT_MS });
    expect(performance.now() - start).toBeGreaterThanOrEqual(TIME_LIMIT_MS - 1);
    expect(misbehaves.invoke(onBus(0))).toMatchObject({ kind: 'outcome', outcome: { ok: false, error: { message: 'fixture answered for 0000:02:00.0' } } });
  });

  it('mutation in the worker is reported with its path', () => {
    expect(misbehaves.invoke(onBus(2))).toMatchObject({ kind: 'outcome', mutation: 'guest.attached[0] was added' });
  });

  it('a Promise and a value holding a function are invalid', () => {
    expect(misbehaves.invoke(onBus(1))).toMatchObject({ kind: 'invalid', value: 'a Promise' });
    const unsendable = misbehaves.invoke(onBus(4));
    expect(unsendable.kind).toBe('invalid');
    if (unsendable.kind === 'invalid') expect(unsendable.problems.join(' ')).toMatch(/cannot be copied out of the worker/);
  });

  it('a check that calls process.exit(3): crashed with the exit code, and the next call still works', () => {
    const crash = misbehaves.invoke(onBus(5));
    expect(crash.kind).toBe('crashed');
    if (crash.kind === 'crashed') {
      expect(crash.detail).toContain('code 3');
      expect(describeFailedInvocation(crash)).toMatch(/^crashed: .*code 3/);
    }
    expect(misbehaves.invoke(onBus(0)).kind).toBe('outcome');
  });
});
