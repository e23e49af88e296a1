export { STUB_PLUGINS, stubPlugin } from './plugin.js';
export { vtdCheckHiodAccelStub } from './stub.js';
