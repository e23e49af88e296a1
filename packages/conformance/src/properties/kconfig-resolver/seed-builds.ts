import fc from 'fast-check';
import { SEED_KCONFIG } from '@hiodkit/core';
import { buildCombinations } from '../../oracle/kconfig-builds.js';
import { expectMinikconf, type LabelledInput, type ResolverPropertySpec } from './resolver-property.js';

/** The 24 seed builds as resolver inputs: the seed's rules, a Linux host, each build's .mak lines and switch. */
export function seedBuildInputs(): LabelledInput[] {
  return buildCombinations().map((b) => ({
    label: b.label,
    input: { rules: SEED_KCONFIG, host: { ...b.build.host }, mak: { ...b.build.mak }, defaultDevices: b.build.defaultDevices !== false },
  }));
}

/** Each of the 24 VTD × IOMMUFD × CONFIG_VTD_ACCEL × default-devices builds resolves as minikconf resolves it, contradictions included. */
export const seedBuilds: ResolverPropertySpec = {
  id: 'kconfig-resolver/seed-builds',
  title: "resolves each of the 24 seed builds (VTD × IOMMUFD × CONFIG_VTD_ACCEL × default devices) to minikconf's values, or its contradiction error",
  examples: seedBuildInputs,
  arbitrary: () => fc.constantFrom(...seedBuildInputs()),
  check(ctx, { label, input }) {
    expectMinikconf(ctx, input, `on the seed build ${label}`);
  },
};
