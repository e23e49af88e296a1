/** QOM type names of QEMU's host IOMMU devices (include/system/host_iommu_device.h, include/system/iommufd.h). */
export const TYPE_OBJECT = 'object';
export const TYPE_HOST_IOMMU_DEVICE = 'host-iommu-device';
export const TYPE_HOST_IOMMU_DEVICE_IOMMUFD = 'host-iommu-device-iommufd';
export const TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO = 'host-iommu-device-iommufd-vfio';
export const TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO = 'host-iommu-device-legacy-vfio';

/** One registered type: QEMU's TypeInfo reduced to what casting needs. */
export interface QomTypeInfo {
  readonly name: string;
  /** TypeInfo.parent; null only for the root `object`. */
  readonly parent: string | null;
  /** TypeInfo.abstract: object_new() refuses to instantiate it. */
  readonly abstract: boolean;
}

/**
 * An instance as plain data: its type and the type's ancestors, nearest first, ending in `object`.
 * The object carries its class chain, as a QEMU Object does through its class, so a checker in
 * another process can cast it without sharing our registry.
 */
export interface QomObject {
  readonly type: string;
  readonly ancestors: readonly string[];
}

/** object_dynamic_cast(): the object if its type is `typeName` or a subtype of it, else null. */
export function dynamicCast<T extends QomObject>(obj: T, typeName: string): T | null {
  return obj.type === typeName || obj.ancestors.includes(typeName) ? obj : null;
}

/** Thrown for registry misuse that QEMU would abort on (duplicate type, unknown parent, abstract instance). */
export class QomError extends Error {
  override readonly name = 'QomError';
}

/** A type table (qom/object.c type_table) with parent chains; open to new types. */
export class TypeRegistry {
  readonly #types = new Map<string, QomTypeInfo>();

  constructor(types: Iterable<QomTypeInfo> = [{ name: TYPE_OBJECT, parent: null, abstract: false }]) {
    for (const info of types) this.register(info);
  }

  /** type_register_static(): the parent must already exist and the name must be new. */
  register(info: { name: string; parent: string | null; abstract?: boolean }): this {
    if (this.#types.has(info.name)) throw new QomError(`Registering '${info.name}' which already exists`);
    if (info.parent === null) {
      if (this.#types.size > 0) throw new QomError(`type '${info.name}' needs a parent; only the root type has none`);
    } else if (!this.#types.has(info.parent)) {
      throw new QomError(`type '${info.name}' has unknown parent '${info.parent}'`);
    }
    this.#types.set(info.name, { name: info.name, parent: info.parent, abstract: info.abstract ?? false });
    return this;
  }

  has(name: string): boolean {
    return this.#types.has(name);
  }

  lookup(name: string): QomTypeInfo | undefined {
    return this.#types.get(name);
  }

  /** Every registered type, in registration order. */
  types(): QomTypeInfo[] {
    return [...this.#types.values()];
  }

  /** The parent chain of a registered type, nearest first (without the type itself). */
  ancestorsOf(name: string): string[] {
    const info = this.#types.get(name);
    if (!info) throw new QomError(`unknown type '${name}'`);
    const chain: string[] = [];
    for (let parent = info.parent; parent !== null; parent = (this.#types.get(parent) as QomTypeInfo).parent) {
      chain.push(parent);
    }
    return chain;
  }

  /** object_class_dynamic_cast() at class level; an unknown target type fails the cast, as in QEMU. */
  isSubtype(name: string, ancestor: string): boolean {
    if (!this.#types.has(name) || !this.#types.has(ancestor)) return false;
    return name === ancestor || this.ancestorsOf(name).includes(ancestor);
  }

  /** object_new(): a plain-data instance; unknown and abstract types are refused. */
  instantiate(name: string): QomObject {
    const info = this.#types.get(name);
    if (!info) throw new QomError(`unknown type '${name}'`);
    if (info.abstract) throw new QomError(`type '${name}' is abstract and cannot be instantiated`);
    return { type: name, ancestors: this.ancestorsOf(name) };
  }

  /** The concrete types that are `ancestor` or descend from it. */
  concreteSubtypesOf(ancestor: string): string[] {
    return this.types()
      .filter((t) => !t.abstract && this.isSubtype(t.name, ancestor))
      .map((t) => t.name);
  }

  clone(): TypeRegistry {
    return new TypeRegistry(this.types());
  }
}

/** The four host-IOMMU-device types of QEMU; legacy-vfio is NOT an iommufd subtype. */
export const HOST_IOMMU_DEVICE_TYPES: readonly QomTypeInfo[] = [
  { name: TYPE_HOST_IOMMU_DEVICE, parent: TYPE_OBJECT, abstract: true },
  { name: TYPE_HOST_IOMMU_DEVICE_IOMMUFD, parent: TYPE_HOST_IOMMU_DEVICE, abstract: true },
  { name: TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO, parent: TYPE_HOST_IOMMU_DEVICE_IOMMUFD, abstract: false },
  { name: TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO, parent: TYPE_HOST_IOMMU_DEVICE, abstract: false },
];

/** A fresh registry preloaded with `object` and the host-IOMMU-device types. */
export function hostIommuTypeRegistry(): TypeRegistry {
  return new TypeRegistry([{ name: TYPE_OBJECT, parent: null, abstract: false }, ...HOST_IOMMU_DEVICE_TYPES]);
}
