import { describe, expect, it } from 'vitest';
import { HOST_IOMMU_DEVICE_TYPES, QomError, TypeRegistry, dynamicCast, hostIommuTypeRegistry } from '@hiodkit/core';
import { thrownBy } from './fixtures.js';

describe('the four preloaded host IOMMU device types', () => {
  it('are exactly QEMU\'s names, parents and abstract flags', () => {
    expect(HOST_IOMMU_DEVICE_TYPES.map((t) => [t.name, t.parent, t.abstract])).toEqual([
      ['host-iommu-device', 'object', true],
      ['host-iommu-device-iommufd', 'host-iommu-device', true],
      ['host-iommu-device-iommufd-vfio', 'host-iommu-device-iommufd', false],
      ['host-iommu-device-legacy-vfio', 'host-iommu-device', false],
    ]);
  });

  it('are in a fresh registry with object', () => {
    const registry = hostIommuTypeRegistry();
    expect(registry.types().map((t) => t.name).sort()).toEqual([
      'host-iommu-device',
      'host-iommu-device-iommufd',
      'host-iommu-device-iommufd-vfio',
      'host-iommu-device-legacy-vfio',
      'object',
    ]);
  });

  it.each(['host-iommu-device', 'host-iommu-device-iommufd'])('refuses to instantiate the abstract %s', (name) => {
    expect(thrownBy(() => hostIommuTypeRegistry().instantiate(name))).toBeInstanceOf(QomError);
  });

  it('refuses to instantiate an unknown type', () => {
    expect(thrownBy(() => hostIommuTypeRegistry().instantiate('host-iommu-device-nope'))).toBeInstanceOf(QomError);
  });

  it('instantiates iommufd-vfio with its whole parent chain', () => {
    expect(hostIommuTypeRegistry().instantiate('host-iommu-device-iommufd-vfio')).toEqual({
      type: 'host-iommu-device-iommufd-vfio',
      ancestors: ['host-iommu-device-iommufd', 'host-iommu-device', 'object'],
    });
  });

  it('instantiates legacy-vfio without the iommufd type in its chain', () => {
    expect(hostIommuTypeRegistry().instantiate('host-iommu-device-legacy-vfio')).toEqual({
      type: 'host-iommu-device-legacy-vfio',
      ancestors: ['host-iommu-device', 'object'],
    });
  });
});

describe('dynamicCast (object_dynamic_cast)', () => {
  const registry = hostIommuTypeRegistry();
  const iommufdVfio = registry.instantiate('host-iommu-device-iommufd-vfio');
  const legacy = registry.instantiate('host-iommu-device-legacy-vfio');

  it.each(['host-iommu-device-iommufd-vfio', 'host-iommu-device-iommufd', 'host-iommu-device', 'object'])(
    'casts an iommufd-vfio object to %s (the type itself and every ancestor)',
    (target) => {
      expect(dynamicCast(iommufdVfio, target)).toBe(iommufdVfio);
    },
  );

  it('legacy-vfio is NOT an iommufd subtype', () => {
    expect(dynamicCast(legacy, 'host-iommu-device-iommufd')).toBeNull();
  });

  it.each(['host-iommu-device-legacy-vfio', 'host-iommu-device', 'object'])('casts a legacy-vfio object to %s', (target) => {
    expect(dynamicCast(legacy, target)).toBe(legacy);
  });

  it('does not cast down or sideways', () => {
    expect(dynamicCast(iommufdVfio, 'host-iommu-device-legacy-vfio')).toBeNull();
    expect(dynamicCast(legacy, 'host-iommu-device-iommufd-vfio')).toBeNull();
    expect(dynamicCast(iommufdVfio, 'no-such-type')).toBeNull();
  });

  it('class-level isSubtype agrees', () => {
    expect(registry.isSubtype('host-iommu-device-iommufd-vfio', 'host-iommu-device-iommufd')).toBe(true);
    expect(registry.isSubtype('host-iommu-device-legacy-vfio', 'host-iommu-device-iommufd')).toBe(false);
    expect(registry.isSubtype('host-iommu-device-iommufd', 'host-iommu-device-iommufd')).toBe(true);
    expect(registry.isSubtype('host-iommu-device', 'host-iommu-device-iommufd')).toBe(false);
  });
});

describe('registering new types', () => {
  it('a subtype of host-iommu-device-iommufd casts to it', () => {
    const registry = hostIommuTypeRegistry().register({ name: 'host-iommu-device-iommufd-vdpa', parent: 'host-iommu-device-iommufd' });
    const vdpa = registry.instantiate('host-iommu-device-iommufd-vdpa');
    expect(vdpa.ancestors).toEqual(['host-iommu-device-iommufd', 'host-iommu-device', 'object']);
    expect(dynamicCast(vdpa, 'host-iommu-device-iommufd')).toBe(vdpa);
    expect(registry.concreteSubtypesOf('host-iommu-device-iommufd').sort()).toEqual([
      'host-iommu-device-iommufd-vdpa',
      'host-iommu-device-iommufd-vfio',
    ]);
  });

  it('a direct subtype of host-iommu-device does not cast to iommufd', () => {
    const registry = hostIommuTypeRegistry().register({ name: 'host-iommu-device-custom', parent: 'host-iommu-device' });
    const custom = registry.instantiate('host-iommu-device-custom');
    expect(dynamicCast(custom, 'host-iommu-device-iommufd')).toBeNull();
    expect(dynamicCast(custom, 'host-iommu-device')).toBe(custom);
  });

  it('refuses a duplicate name', () => {
    const registry = hostIommuTypeRegistry();
    const error = thrownBy(() => registry.register({ name: 'host-iommu-device-iommufd-vfio', parent: 'host-iommu-device' }));
    expect(error).toBeInstanceOf(QomError);
    expect((error as QomError).message).toMatch(/host-iommu-device-iommufd-vfio/);
  });

  it('refuses an unknown parent', () => {
    const error = thrownBy(() => hostIommuTypeRegistry().register({ name: 'orphan', parent: 'host-iommu-device-missing' }));
    expect(error).toBeInstanceOf(QomError);
    expect((error as QomError).message).toMatch(/host-iommu-device-missing/);
  });

  it('refuses a second root', () => {
    expect(thrownBy(() => hostIommuTypeRegistry().register({ name: 'another-root', parent: null }))).toBeInstanceOf(QomError);
  });

  it('a clone is independent of the original', () => {
    const original = hostIommuTypeRegistry();
    const copy = original.clone().register({ name: 'x-new', parent: 'host-iommu-device' });
    expect(copy.has('x-new')).toBe(true);
    expect(original.has('x-new')).toBe(false);
  });

  it('an abstract registered type cannot be instantiated', () => {
    const registry = new TypeRegistry().register({ name: 'base', parent: 'object', abstract: true });
    expect(thrownBy(() => registry.instantiate('base'))).toBeInstanceOf(QomError);
  });
});
