import { PropertyValueError, type PropertyDef } from '@hiodkit/core';
import type { DeviceOption, OptValue } from './device-option.js';

/**
 * The QemuOpts text of a JSON -device intel-iommu, after the JSON types are checked as the
 * non-keyval QObject input visitor checks them (qapi/qobject-input-visitor.c: a bool wants a
 * JSON boolean, an integer a number, an enum a string; the messages are the visitor's).
 */
export function jsonPropertiesText(device: DeviceOption, defs: readonly PropertyDef[]): string {
  const parts: string[] = [];
  for (const [name, value] of device.props) {
    const def = defs.find((d) => d.name === name);
    // an unknown name is refused by parseGuestProperties, with the profile's hint
    const text = def === undefined ? String(value) : jsonValueText(def, value);
    parts.push(`${name}=${text.replace(/,/g, ',,')}`);
  }
  return parts.join(',');
}

function jsonValueText(def: PropertyDef, value: OptValue): string {
  switch (def.kind) {
    case 'bool':
      if (typeof value !== 'boolean') throw new PropertyValueError(def.name, `Invalid parameter type for '${def.name}', expected: boolean`);
      return value ? 'on' : 'off';
    case 'on-off-auto':
      if (typeof value !== 'string') throw new PropertyValueError(def.name, `Invalid parameter type for '${def.name}', expected: string`);
      return value;
    case 'uint8':
    case 'uint32': {
      // qobject_input_type_uint64(): a QNum that fits uint64, or an int64 taken as its two's complement; else "expects uint64"
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new PropertyValueError(def.name, `Parameter '${def.name}' expects uint64`);
      const n = value < 0 ? (1n << 64n) + BigInt(value) : BigInt(value);
      return n.toString();
    }
  }
}
