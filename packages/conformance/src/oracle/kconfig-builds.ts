import { selectChecker, type KconfigBuild, type LinkedChecker, type PluginDeclaration } from '@hiodkit/core';

/** One build of the 24 VTD × IOMMUFD × user CONFIG_VTD_ACCEL × default-devices combinations. */
export interface BuildCombination {
  readonly label: string;
  readonly build: KconfigBuild;
  /** What minikconf makes of it: the checker it links, no intel-iommu at all, or a build error. */
  readonly links: LinkedChecker | 'no-vtd' | 'kconfig-error';
}

let cached: readonly BuildCombination[] | undefined;

/** VTD and IOMMUFD are set through .mak lines (IOMMUFD needs VFIO), on a Linux host. */
export function buildCombinations(): readonly BuildCombination[] {
  if (cached) return cached;
  const combos: BuildCombination[] = [];
  for (const vtd of [true, false])
    for (const iommufd of [true, false])
      for (const user of ['unset', 'y', 'n'] as const)
        for (const defaultDevices of [true, false]) {
          const mak: Record<string, boolean> = { VTD: vtd, ...(iommufd ? { VFIO: true, IOMMUFD: true } : { IOMMUFD: false }) };
          if (user !== 'unset') mak['VTD_ACCEL'] = user === 'y';
          const build: KconfigBuild = { host: { LINUX: true }, mak, defaultDevices };
          const selection = selectChecker(build, { accel: 'accel', stub: 'stub' });
          const links = selection.ok ? selection.linked : selection.reason;
          const label = `VTD=${vtd ? 'y' : 'n'} IOMMUFD=${iommufd ? 'y' : 'n'} CONFIG_VTD_ACCEL=${user}${defaultDevices ? '' : ' --without-default-devices'}`;
          combos.push({ label, build, links });
        }
  cached = combos;
  return combos;
}

/** The builds whose rules link the checker a plugin declares. */
export function buildsLinking(declaration: Pick<PluginDeclaration, 'kconfig'>): BuildCombination[] {
  const wanted: LinkedChecker = declaration.kconfig.VTD_ACCEL ? 'accel' : 'stub';
  return buildCombinations().filter((b) => b.links === wanted);
}
