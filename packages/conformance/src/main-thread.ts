// What a program's main thread needs when the kit runs in a worker thread of its (the hiodkit bin's
// way): the registry of plugin process groups both threads share and the worker starter, without
// loading the kit itself (fast-check, ajv, the properties) a second time.
export { adoptProcessGroupRegistry, createProcessGroupRegistry, endAllGroups, type ProcessGroupRegistry } from './plugins/process-groups.js';
export { workerFromModule } from './plugins/worker-bridge.js';
