import { decodeRegister, describeMeaning, type RegisterName } from '@hiodkit/core';

/** A field's meaning for people; PSS is a width only where the unit supports PASIDs at all (ecap PASID, bit 40). */
export function fieldMeaning(register: RegisterName, name: string, value: bigint, ecap?: bigint): string {
  const f = decodeRegister(register, value).fields.find((d) => d.field.name === name);
  if (!f) throw new Error(`no field ${name} in ${register}_reg`);
  if (register === 'ecap' && name === 'PSS' && decodeRegister('ecap', ecap ?? value).fields.find((d) => d.field.name === 'PASID')?.meaning !== true) return 'none (PASID not supported)';
  return describeMeaning(f.field, f.meaning);
}

