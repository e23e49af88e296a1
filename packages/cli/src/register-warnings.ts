import { decodeRegister, type RegisterName } from '@hiodkit/core';

const ALL_ONES = (1n << 64n) - 1n;

/** The bits set in a 64-bit mask as runs from the top, as the VT-d specification writes them: "63:61, 52". */
export function bitRuns(mask: bigint): string {
  const runs: string[] = [];
  const set = (bit: number) => ((mask >> BigInt(bit)) & 1n) === 1n;
  for (let bit = 63; bit >= 0; bit--) {
    if (!set(bit)) continue;
    let low = bit;
    while (low > 0 && set(low - 1)) low--;
    runs.push(low === bit ? `${bit}` : `${bit}:${low}`);
    bit = low;
  }
  return runs.join(', ');
}

/** Why a cap or ecap value is unlikely to be what a VT-d unit reported (0, all ones, reserved bits set), a line each. */
export function registerWarnings(register: RegisterName, value: bigint): string[] {
  const name = `${register}_reg`;
  if (value === 0n) return [`${name} is 0: a VT-d unit reports some capability; is the value right?`];
  if (value === ALL_ONES) return [`${name} is 0xffffffffffffffff, all ones, which is what a read from an absent device returns; is the value right?`];
  const { reserved } = decodeRegister(register, value);
  if (reserved === 0n) return [];
  return [`${name} 0x${value.toString(16)} has reserved bits set, ${bitRuns(reserved)} (0x${reserved.toString(16)}), which the VT-d specification leaves 0; is the value right?`];
}
