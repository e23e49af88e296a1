import { describe, expect, it } from 'vitest';
import { ACCEPT, PluginRegistry, qemuError, reject, type CheckerPlugin } from '@hiodkit/core';
import { thrownBy } from './fixtures.js';

function plugin(name: string, accept: boolean): CheckerPlugin {
  return {
    name,
    implements: { profile: 'seed', kconfig: { VTD_ACCEL: accept } },
    check: () => (accept ? ACCEPT : reject(qemuError('nope'))),
  };
}

describe('PluginRegistry', () => {
  it('starts empty', () => {
    const registry = new PluginRegistry();
    expect(registry.names()).toEqual([]);
    expect(registry.list()).toEqual([]);
  });

  it('registers, lists in order and finds by name', () => {
    const a = plugin('a', true);
    const b = plugin('b', false);
    const registry = new PluginRegistry([a]).register(b);
    expect(registry.names()).toEqual(['a', 'b']);
    expect(registry.list()).toEqual([a, b]);
    expect(registry.get('b')).toBe(b);
    expect(registry.has('a')).toBe(true);
    expect(registry.has('c')).toBe(false);
  });

  it('refuses a second plugin with the same name', () => {
    const registry = new PluginRegistry([plugin('a', true)]);
    const error = thrownBy(() => registry.register(plugin('a', false)));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/"a"/);
    expect(registry.names()).toEqual(['a']);
  });

  it('get of an unknown name throws and lists what is registered', () => {
    const registry = new PluginRegistry([plugin('vtd-accel@seed', true), plugin('vtd-stub@seed', false)]);
    const error = thrownBy(() => registry.get('missing'));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/vtd-accel@seed, vtd-stub@seed/);
  });

  it('the constructor refuses duplicates too', () => {
    expect(thrownBy(() => new PluginRegistry([plugin('a', true), plugin('a', true)]))).toBeInstanceOf(RangeError);
  });
});
