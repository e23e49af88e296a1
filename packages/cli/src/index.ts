export { EXIT, UsageError } from './cli-error.js';
export { parseHostDescription, HOST_SCHEMA_URL, type Backend, type DmarUnit, type HostDescription } from './host-file.js';
export { OutputError, type CliIo } from './io.js';
export { junitXml } from './junit.js';
export { MAIN_HELP, main } from './main.js';
export { BEHIND_PCI_BRIDGE_AT, DEFAULT_AT, placeAt, type GuestPlacement } from './placement.js';
export { sampleHosts, type SampleHost } from './sample-hosts.js';
export { hostAwBitsEstimate, readDmarUnit, readSysfs, type SysfsTarget, type SysfsUnit } from './sysfs.js';
