import { IOMMU_HW_INFO_TYPE, bitField, registerField, type HostIommuDevice } from '@hiodkit/core';
import { registerWarnings } from './register-warnings.js';

const SMTS = registerField('ecap', 'SMTS');
const NEST = registerField('ecap', 'NEST');
const FSTS = registerField('ecap', 'FSTS');

function bit(value: bigint, field: typeof SMTS): boolean {
  return bitField(value, field.lsb, field.msb) !== 0n;
}

/**
 * What QEMU does not check but the user needs to know, each with its register field: with
 * first-stage translation asked for, a unit without scalable mode, nesting or first-stage
 * translation passes QEMU's check and is refused by the kernel when QEMU allocates the nested
 * domain (nested_supported() is sm_supported() && ecap_nest(); the guest's page tables are first
 * stage); and registers that look wrong.
 */
export function deviceWarnings(device: HostIommuDevice, flts: boolean, fltsName: string): string[] {
  if (device.caps.type !== IOMMU_HW_INFO_TYPE.INTEL_VTD) return [];
  const { capReg, ecapReg } = device.caps.vendorCaps.vtd;
  const out = [...registerWarnings('cap', capReg), ...registerWarnings('ecap', ecapReg)];
  if (!flts) return out;
  const after = `QEMU's check can pass with ${fltsName}=on, but the kernel refuses the nested domain when QEMU allocates it`;
  if (!bit(ecapReg, SMTS)) out.push(`ecap SMTS (bit ${SMTS.lsb}) is 0: the unit has no scalable-mode translation; ${after}`);
  else if (!bit(ecapReg, NEST)) out.push(`ecap NEST (bit ${NEST.lsb}) is 0: the unit has no nested translation; ${after}`);
  if (!bit(ecapReg, FSTS)) out.push(`ecap FSTS (bit ${FSTS.lsb}) is 0: the unit has no first-stage translation, which the guest's page tables need; ${after}`);
  return out;
}
