import { describe, expect, it } from 'vitest';
import {
  Errp,
  QemuAssertionError,
  errorAppendHint,
  errorPrepend,
  errorPropagate,
  errorSetg,
  hintText,
  qemuError,
} from '@hiodkit/core';
import { thrownBy } from './fixtures.js';

describe('QEMU Error model', () => {
  it('a fresh errp holds no error', () => {
    expect(new Errp().error).toBeNull();
  });

  it('error_setg formats the message and starts with no hints', () => {
    const errp = new Errp();
    errorSetg(errp, 'Incompatible host platform IOMMU type %d', 4294967295);
    expect(errp.error).toEqual({ message: 'Incompatible host platform IOMMU type -1', hints: [] });
  });

  it('error_setg twice on one errp is an assertion failure, and the first error stays', () => {
    const errp = new Errp();
    errorSetg(errp, 'first');
    expect(thrownBy(() => errorSetg(errp, 'second'))).toBeInstanceOf(QemuAssertionError);
    expect(errp.error?.message).toBe('first');
  });

  it('error_propagate onto a set errp is an assertion failure', () => {
    const errp = new Errp();
    errorSetg(errp, 'first');
    expect(thrownBy(() => errorPropagate(errp, qemuError('second')))).toBeInstanceOf(QemuAssertionError);
  });

  it('error_append_hint without an error is an assertion failure', () => {
    const errp = new Errp();
    expect(thrownBy(() => errorAppendHint(errp, 'CONFIG_VTD_ACCEL is not enabled'))).toBeInstanceOf(QemuAssertionError);
    expect(errp.error).toBeNull();
  });

  it('hints accumulate in order, and the hint text is their concatenation', () => {
    const errp = new Errp();
    errorSetg(errp, 'host IOMMU cannot be checked!');
    errorAppendHint(errp, 'first %s\n', 'hint');
    errorAppendHint(errp, 'CONFIG_VTD_ACCEL is not enabled');
    expect(errp.error?.hints).toEqual(['first hint\n', 'CONFIG_VTD_ACCEL is not enabled']);
    expect(hintText(errp.error as NonNullable<typeof errp.error>)).toBe('first hint\nCONFIG_VTD_ACCEL is not enabled');
  });

  it('error_prepend prefixes the message and keeps the hints', () => {
    const errp = new Errp();
    errorSetg(errp, 'host IOMMU cannot be checked!');
    errorAppendHint(errp, 'CONFIG_VTD_ACCEL is not enabled');
    errorPrepend(errp, 'Failed to set vIOMMU: ');
    errorPrepend(errp, 'vfio %s: ', '0000:02:00.0');
    expect(errp.error).toEqual({
      message: 'vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU cannot be checked!',
      hints: ['CONFIG_VTD_ACCEL is not enabled'],
    });
  });

  it('error_propagate moves an error, hints included, unchanged', () => {
    const errp = new Errp();
    const source = { message: '0000:02:00.0: unsupported capability 1', hints: ['a hint\n'] };
    errorPropagate(errp, source);
    expect(errp.error).toEqual(source);
  });

  it('qemuError builds a standalone error', () => {
    expect(qemuError('aw-bits %d > host aw-bits %d', 48, 39)).toEqual({ message: 'aw-bits 48 > host aw-bits 39', hints: [] });
  });
});
