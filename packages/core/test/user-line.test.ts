import { describe, expect, it } from 'vitest';
import { Errp, errorAppendHint, errorSetg, qemuError, renderUserVisible, vfioSetIommuError, type QemuError } from '@hiodkit/core';

const OPTION = 'vfio-pci,host=0000:02:00.0,iommufd=iommufd0';
const SEED_REJECTION = qemuError('host IOMMU is incompatible with guest first stage translation');

function stubError(): QemuError {
  const errp = new Errp();
  errorSetg(errp, 'host IOMMU cannot be checked!');
  errorAppendHint(errp, 'CONFIG_VTD_ACCEL is not enabled');
  return errp.error as QemuError;
}

describe('vfio\'s wrapping (BEHAVIOUR §error.user-line)', () => {
  it('prepends "Failed to set vIOMMU: " then "vfio <name>: "', () => {
    expect(vfioSetIommuError(SEED_REJECTION, '0000:02:00.0', 'seed')).toEqual({
      message: 'vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU is incompatible with guest first stage translation',
      hints: [],
    });
  });

  it('keeps the hints', () => {
    expect(vfioSetIommuError(stubError(), '0000:02:00.0', 'seed').hints).toEqual(['CONFIG_VTD_ACCEL is not enabled']);
  });

  it('does not modify the error it wraps', () => {
    const error = stubError();
    vfioSetIommuError(error, '0000:02:00.0', 'seed');
    expect(error).toEqual({ message: 'host IOMMU cannot be checked!', hints: ['CONFIG_VTD_ACCEL is not enabled'] });
  });
});

describe('renderUserVisible', () => {
  it('cold plug: the exact line, a newline, and no hint text', () => {
    expect(renderUserVisible(SEED_REJECTION, '0000:02:00.0', { kind: 'cold', deviceOption: OPTION }, 'seed')).toBe(
      'qemu-system-x86_64: -device vfio-pci,host=0000:02:00.0,iommufd=iommufd0: vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU is incompatible with guest first stage translation\n',
    );
  });

  it('cold plug with the stub: the hint follows, without a trailing newline', () => {
    expect(renderUserVisible(stubError(), '0000:02:00.0', { kind: 'cold', deviceOption: OPTION }, 'seed')).toBe(
      'qemu-system-x86_64: -device vfio-pci,host=0000:02:00.0,iommufd=iommufd0: vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU cannot be checked!\nCONFIG_VTD_ACCEL is not enabled',
    );
  });

  it('cold plug with several hints prints them concatenated', () => {
    const errp = new Errp();
    errorSetg(errp, 'msg');
    errorAppendHint(errp, 'one\n');
    errorAppendHint(errp, 'two\n');
    expect(renderUserVisible(errp.error as QemuError, '0000:03:00.0', { kind: 'cold', deviceOption: 'vfio-pci,host=0000:03:00.0' }, 'seed')).toBe(
      'qemu-system-x86_64: -device vfio-pci,host=0000:03:00.0: vfio 0000:03:00.0: Failed to set vIOMMU: msg\none\ntwo\n',
    );
  });

  it('cold plug honours another program name', () => {
    expect(renderUserVisible(SEED_REJECTION, '0000:02:00.0', { kind: 'cold', deviceOption: OPTION, program: 'qemu-kvm' }, 'seed')).toMatch(
      /^qemu-kvm: -device vfio-pci,host=0000:02:00\.0,iommufd=iommufd0: vfio 0000:02:00\.0: Failed to set vIOMMU: /,
    );
  });

  it('HMP: starts with "Error: "', () => {
    expect(renderUserVisible(SEED_REJECTION, '0000:02:00.0', { kind: 'hmp' }, 'seed')).toBe(
      'Error: vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU is incompatible with guest first stage translation\n',
    );
    expect(renderUserVisible(stubError(), '0000:02:00.0', { kind: 'hmp' }, 'seed')).toBe(
      'Error: vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU cannot be checked!\nCONFIG_VTD_ACCEL is not enabled',
    );
  });

  it('QMP: the message is the desc and the hint is dropped', () => {
    const out = renderUserVisible(stubError(), '0000:02:00.0', { kind: 'qmp' }, 'seed');
    expect(JSON.parse(out)).toEqual({
      error: { class: 'GenericError', desc: 'vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU cannot be checked!' },
    });
    expect(out).not.toContain('CONFIG_VTD_ACCEL is not enabled');
  });
});

describe('the prefix vfio_realize puts before a refusal', () => {
  it('is "Failed to set iommu_device: " in QEMU 9.1 and 9.2 (aw-only), "Failed to set vIOMMU: " from 10.0 on', () => {
    expect(vfioSetIommuError(SEED_REJECTION, '0000:02:00.0', 'aw-only').message).toBe(`vfio 0000:02:00.0: Failed to set iommu_device: ${SEED_REJECTION.message}`);
    for (const profile of ['xflts-refuse', 'seed', 'pasid'] as const) expect(vfioSetIommuError(SEED_REJECTION, '0000:02:00.0', profile).message).toBe(`vfio 0000:02:00.0: Failed to set vIOMMU: ${SEED_REJECTION.message}`);
  });
});
