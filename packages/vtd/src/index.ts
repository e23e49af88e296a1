export { hostPasidBits, vtdCheckHiodAccel } from './accel.js';
export { attachOutcome, vtdCheckHiod, vtdDevSetIommuDevice, type AccelCheck } from './attach.js';
export { VTD_PLUGINS, vtdPlugin } from './plugin.js';
