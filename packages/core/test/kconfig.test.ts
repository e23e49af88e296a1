import { describe, expect, it } from 'vitest';
import { resolveKconfig, selectChecker, type KconfigBuild } from '@hiodkit/core';

type User = 'unset' | 'y' | 'n';
type Resolution = 'y' | 'n' | 'error';
type Selection = 'accel' | 'stub' | 'no-vtd' | 'kconfig-error';

/**
 * Every combination of VTD, IOMMUFD, the user's CONFIG_VTD_ACCEL and --without-default-devices,
 * with what minikconf does (research §1): VTD_ACCEL = y iff VTD && IOMMUFD && user != n &&
 * (default devices || user = y); user = y while !(VTD && IOMMUFD) is a contradiction error.
 * [VTD, IOMMUFD, user, defaultDevices, VTD_ACCEL, linked checker]
 */
const TABLE: readonly (readonly [boolean, boolean, User, boolean, Resolution, Selection])[] = [
  [true, true, 'unset', true, 'y', 'accel'],
  [true, true, 'unset', false, 'n', 'stub'],
  [true, true, 'y', true, 'y', 'accel'],
  [true, true, 'y', false, 'y', 'accel'],
  [true, true, 'n', true, 'n', 'stub'],
  [true, true, 'n', false, 'n', 'stub'],
  [true, false, 'unset', true, 'n', 'stub'],
  [true, false, 'unset', false, 'n', 'stub'],
  [true, false, 'y', true, 'error', 'kconfig-error'],
  [true, false, 'y', false, 'error', 'kconfig-error'],
  [true, false, 'n', true, 'n', 'stub'],
  [true, false, 'n', false, 'n', 'stub'],
  [false, true, 'unset', true, 'n', 'no-vtd'],
  [false, true, 'unset', false, 'n', 'no-vtd'],
  [false, true, 'y', true, 'error', 'kconfig-error'],
  [false, true, 'y', false, 'error', 'kconfig-error'],
  [false, true, 'n', true, 'n', 'no-vtd'],
  [false, true, 'n', false, 'n', 'no-vtd'],
  [false, false, 'unset', true, 'n', 'no-vtd'],
  [false, false, 'unset', false, 'n', 'no-vtd'],
  [false, false, 'y', true, 'error', 'kconfig-error'],
  [false, false, 'y', false, 'error', 'kconfig-error'],
  [false, false, 'n', true, 'n', 'no-vtd'],
  [false, false, 'n', false, 'n', 'no-vtd'],
];

/** VTD via CONFIG_VTD, IOMMUFD via CONFIG_VFIO=y plus CONFIG_IOMMUFD, LINUX as the host symbol. */
function build(vtd: boolean, iommufd: boolean, user: User, defaultDevices: boolean): KconfigBuild {
  const mak: Record<string, boolean> = { VTD: vtd, VFIO: true, IOMMUFD: iommufd };
  if (user !== 'unset') mak['VTD_ACCEL'] = user === 'y';
  return { host: { LINUX: true }, mak, defaultDevices };
}

describe('VTD_ACCEL resolution: the 24 cases', () => {
  it('the table covers every combination exactly once', () => {
    const keys = new Set(TABLE.map(([v, i, u, d]) => `${v}/${i}/${u}/${d}`));
    expect(keys.size).toBe(24);
  });

  it.each(TABLE)('VTD=%s IOMMUFD=%s user=%s defaultDevices=%s: VTD_ACCEL %s, checker %s', (vtd, iommufd, user, dd, resolution, selection) => {
    const result = resolveKconfig(build(vtd, iommufd, user, dd));
    if (resolution === 'error') {
      expect(result).toEqual({
        ok: false,
        error: {
          message: 'contradiction between clauses when setting VTD_ACCEL',
          details: ['The following clauses were found for VTD_ACCEL', '    CONFIG_VTD_ACCEL=y', '    config VTD_ACCEL depends on (VTD && IOMMUFD)'],
        },
      });
    } else {
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.values['VTD_ACCEL']).toBe(resolution === 'y');
        expect(result.values['VTD']).toBe(vtd);
        expect(result.values['IOMMUFD']).toBe(iommufd);
      }
    }

    const chosen = selectChecker(build(vtd, iommufd, user, dd), { accel: 'the accel checker', stub: 'the stub' });
    if (selection === 'accel' || selection === 'stub') {
      expect(chosen.ok).toBe(true);
      if (chosen.ok) {
        expect(chosen.linked).toBe(selection);
        expect(chosen.checker).toBe(selection === 'accel' ? 'the accel checker' : 'the stub');
      }
    } else {
      expect(chosen.ok).toBe(false);
      if (!chosen.ok) expect(chosen.reason).toBe(selection);
    }
  });
});

describe('the seed rules', () => {
  it('VTD selects X86_IOMMU', () => {
    const result = resolveKconfig(build(true, true, 'unset', false));
    expect(result.ok && result.values['X86_IOMMU']).toBe(true);
  });

  it('IOMMUFD depends on VFIO, which depends on LINUX: no Linux host means no IOMMUFD and no accel', () => {
    const result = resolveKconfig({ mak: { VTD: true }, defaultDevices: true });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.values).toMatchObject({ LINUX: false, VFIO: false, IOMMUFD: false, VTD: true, VTD_ACCEL: false });
    }
    const chosen = selectChecker({ mak: { VTD: true }, defaultDevices: true }, { accel: 1, stub: 2 });
    expect(chosen.ok && chosen.linked).toBe('stub');
  });

  it('CONFIG_IOMMUFD=y without a Linux host is a contradiction on VFIO\'s dependency chain', () => {
    const result = resolveKconfig({ mak: { VTD: true, VFIO: true, IOMMUFD: true } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe('contradiction between clauses when setting VFIO');
  });

  it('IOMMUFD is not a host symbol: setting LINUX alone leaves IOMMUFD n', () => {
    const result = resolveKconfig({ host: { LINUX: true }, mak: { VTD: true }, defaultDevices: true });
    expect(result.ok && result.values['IOMMUFD']).toBe(false);
    expect(result.ok && result.values['VTD_ACCEL']).toBe(false);
  });

  it('defaultDevices defaults to on', () => {
    const result = resolveKconfig({ host: { LINUX: true }, mak: { VTD: true, VFIO: true, IOMMUFD: true } });
    expect(result.ok && result.values['VTD_ACCEL']).toBe(true);
  });
});
