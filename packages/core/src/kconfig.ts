import { KconfigBuilder, computeConfig, type KconfigError, type KconfigResult } from './minikconf.js';

/**
 * The Kconfig rules that decide whether a build links intel_iommu_accel.c, as in the seed:
 * hw/i386/Kconfig (VTD, VTD_ACCEL, X86_IOMMU), backends/Kconfig (IOMMUFD), hw/vfio/Kconfig (VFIO)
 * and Kconfig.host (LINUX). IOMMUFD is an ordinary device symbol, not a host one.
 */
export const SEED_KCONFIG = `
# Kconfig.host
config LINUX
    bool

# hw/vfio/Kconfig
config VFIO
    bool
    depends on LINUX

# backends/Kconfig
config IOMMUFD
    bool
    depends on VFIO

# hw/i386/Kconfig
config X86_IOMMU
    bool

config VTD
    bool
    imply VTD_ACCEL
    select X86_IOMMU

config VTD_ACCEL
    bool
    depends on VTD && IOMMUFD
`;

/** One build's inputs to minikconf. */
export interface KconfigBuild {
  /** Kconfig.host symbols meson passes as CONFIG_X=y (LINUX on a Linux host) */
  readonly host?: Readonly<Record<string, boolean>>;
  /** the configs/devices/*.mak lines the user wrote, e.g. { VTD_ACCEL: false } for CONFIG_VTD_ACCEL=n */
  readonly mak?: Readonly<Record<string, boolean>>;
  /** false for `configure --without-default-devices` (minikconf --allnoconfig); default true */
  readonly defaultDevices?: boolean;
}

/** Runs minikconf on the rules with the build's .mak lines, host symbols and mode. */
export function resolveKconfig(build: KconfigBuild, rules: string = SEED_KCONFIG): KconfigResult {
  const builder = new KconfigBuilder();
  for (const [symbol, value] of Object.entries(build.mak ?? {})) builder.assign(symbol, value);
  for (const [symbol, value] of Object.entries(build.host ?? {})) if (value) builder.assign(symbol, true);
  builder.parse(rules, 'Kconfig');
  return computeConfig(builder.data(), build.defaultDevices === false ? 'allnoconfig' : 'defconfig');
}

/** Which vtd_check_hiod_accel a build links: meson compiles intel_iommu_accel.c iff CONFIG_VTD_ACCEL=y. */
export type LinkedChecker = 'accel' | 'stub';

export type CheckerSelection<T> =
  | { readonly ok: true; readonly linked: LinkedChecker; readonly checker: T; readonly values: Readonly<Record<string, boolean>> }
  /** VTD=n: intel_iommu.c is not built, so there is no intel-iommu device and no checker */
  | { readonly ok: false; readonly reason: 'no-vtd'; readonly values: Readonly<Record<string, boolean>> }
  /** minikconf stopped the build */
  | { readonly ok: false; readonly reason: 'kconfig-error'; readonly error: KconfigError };

/** The accel checker when VTD_ACCEL resolves to y, the stub when only VTD does. */
export function selectChecker<T>(build: KconfigBuild, checkers: { readonly accel: T; readonly stub: T }, rules: string = SEED_KCONFIG): CheckerSelection<T> {
  const result = resolveKconfig(build, rules);
  if (!result.ok) return { ok: false, reason: 'kconfig-error', error: result.error };
  const { values } = result;
  if (!values['VTD']) return { ok: false, reason: 'no-vtd', values };
  const linked: LinkedChecker = values['VTD_ACCEL'] ? 'accel' : 'stub';
  return { ok: true, linked, checker: checkers[linked], values };
}
