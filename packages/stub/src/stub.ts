import { errorAppendHint, errorSetg } from '@hiodkit/core';
import type { AccelCheck } from '@hiodkit/vtd';

/** The static inline vtd_check_hiod_accel() of hw/i386/intel_iommu_accel.h when CONFIG_VTD_ACCEL is off. */
export const vtdCheckHiodAccelStub: AccelCheck = (_s, _hiod, errp) => {
  // intel_iommu_accel.h (!CONFIG_VTD_ACCEL): the hint has no trailing newline
  errorSetg(errp, 'host IOMMU cannot be checked!');
  errorAppendHint(errp, 'CONFIG_VTD_ACCEL is not enabled');
  return false;
};
