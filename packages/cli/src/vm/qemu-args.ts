import { basename, resolve } from 'node:path';
import { InputError, QEMU_PROGRAM, parseQemuBool, splitQemuOpts } from '@hiodkit/core';
import { parseDeviceOption, type DeviceOption } from './device-option.js';
import { QEMU_OPTIONS_WITH_VALUE, QEMU_OPTIONS_WITHOUT_VALUE } from './qemu-options.js';
import { readConfigFile } from './readconfig.js';
import { ShellWordsError, shellWords, type ShellWord } from './shell-words.js';
import type { GlobalOption, VmDescription } from './vm-description.js';

/** An environment assignment before the program, as libvirt's log writes them (LC_ALL=C \). */
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** libvirt's log line before each start: "… starting up libvirt version: …, qemu version: 9.2.0…". */
const LIBVIRT_START = /starting up libvirt version: [^\n]*?qemu version: (\d+\.\d+(?:\.\d+)?)/g;

export interface QemuArgsOptions {
  /** the input's name for messages: its path, or `-` for standard input */
  readonly source: string;
  /** resolves and reads -readconfig files; relative paths are taken from here */
  readonly cwd: string;
}

/** The command in libvirt's log: the text after the last "starting up" line, up to the first line that does not continue. */
function commandText(text: string): { text: string; firstLine: number; version?: string } {
  const starts = [...text.matchAll(LIBVIRT_START)];
  const last = starts.at(-1);
  if (last === undefined) return { text, firstLine: 1 };
  const after = (last.index ?? 0) + last[0].length;
  const lineEnd = text.indexOf('\n', after);
  const rest = lineEnd === -1 ? '' : text.slice(lineEnd + 1);
  const lines = rest.split('\n');
  let end = 0;
  while (end < lines.length && (lines[end] as string).endsWith('\\')) end++;
  return { text: lines.slice(0, end + 1).join('\n'), firstLine: text.slice(0, lineEnd + 1).split('\n').length, version: last[1] as string };
}

/** `-global driver.prop=value` or `-global driver=d,property=p,value=v` (qemu_global_option). */
function parseGlobal(text: string, where: string): GlobalOption {
  const dotted = /^([^.=,]+)\.([^=]+)=(.*)$/s.exec(text);
  if (dotted) return { driver: dotted[1] as string, property: dotted[2] as string, value: dotted[3] as string, text, where };
  const opts = new Map(splitQemuOpts(text).map((o) => [o.name, o.value]));
  const driver = opts.get('driver');
  const property = opts.get('property');
  const value = opts.get('value');
  if (driver === undefined || property === undefined || value === undefined) {
    throw new InputError(where, `-global ${JSON.stringify(text.slice(0, 60))} is neither driver.property=value nor driver=…,property=…,value=…`);
  }
  return { driver, property, value, text, where };
}

/** A -set device.ID.PROP=VALUE, applied to the QemuOpts -device it names (qemu_set_option: the opts must exist already). */
function applySet(text: string, where: string, devices: DeviceOption[], notes: string[]): void {
  const m = /^([^.]+)\.([^.]+)\.([^=]+)=(.*)$/s.exec(text);
  if (!m) throw new InputError(where, `-set ${JSON.stringify(text.slice(0, 60))} is not group.id.property=value`);
  const [, group, id, property = '', value = ''] = m;
  if (group !== 'device') {
    notes.push(`${where}: -set ${text} is not read (only -set device.… can change what the check sees)`);
    return;
  }
  const index = devices.findIndex((d) => d.id === id && d.form === 'opts');
  const target = devices[index];
  if (target === undefined) {
    const json = devices.some((d) => d.id === id);
    throw new InputError(where, json ? `-set device.${id}: that device is given as JSON, which -set does not change` : `-set device.${id}: no -device with id=${id} comes before it`);
  }
  const props = new Map(target.props);
  if (property === 'driver' || property === 'id') throw new InputError(where, `-set device.${id}.${property}: hiodkit does not model changing a device's ${property}`);
  props.delete(property);
  props.set(property, value);
  devices[index] = { ...target, props, text: `${target.text},${property}=${value.replace(/,/g, ',,')}` };
}

/** q35's machine property that makes pcie.0's host bridge bypass the vIOMMU (PCI_HOST_BYPASS_IOMMU). */
const BYPASS_PROPERTY = 'default-bus-bypass-iommu';

/** A word of the command line with its place, for messages. */
export interface ArgWord {
  readonly text: string;
  readonly where: string;
}

/** What the options after the program add to a VM description. */
export interface ParsedArgs {
  machine: VmDescription['machine'];
  readonly devices: DeviceOption[];
  readonly objects: DeviceOption[];
  readonly globals: GlobalOption[];
  readonly notes: string[];
  rootBusBypass?: { readonly where: string };
}

export function emptyArgs(): ParsedArgs {
  return { machine: undefined, devices: [], objects: [], globals: [], notes: [] };
}

/** Reads QEMU options (the words after the program) into `into`, as vl.c takes them: an option, then its value if it has one. */
export function parseArgWords(words: readonly ArgWord[], into: ParsedArgs, cwd: string): void {
  const { devices, objects, globals, notes } = into;
  const setMachine = (text: string, where: string) => {
    // -machine opts merge: a later type wins (qemu_opts_parse with the implied name "type")
    const opts = splitQemuOpts(text);
    const type = opts[0]?.shortForm ?? [...opts].reverse().find((o) => o.name === 'type')?.value;
    if (type !== undefined) into.machine = { type, text, where };
    // keyval_dashify(): default_bus_bypass_iommu is the same property
    const bypassOpt = opts.filter((o, i) => o.name.replace(/_/g, '-') === BYPASS_PROPERTY && !(i === 0 && o.shortForm !== undefined)).at(-1);
    if (bypassOpt === undefined) return;
    let on: boolean;
    try {
      on = parseQemuBool(BYPASS_PROPERTY, bypassOpt.value);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${where} machine`, e.reason);
      throw e;
    }
    if (on) into.rootBusBypass = { where };
    else delete into.rootBusBypass;
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as ArgWord;
    if (!word.text.startsWith('-') || word.text === '-') continue;
    // vl.c: "--foo" is "-foo"
    const name = word.text.replace(/^--?/, '');
    if (QEMU_OPTIONS_WITHOUT_VALUE.has(name)) continue;
    const next = words[i + 1];
    if (!QEMU_OPTIONS_WITH_VALUE.has(name)) {
      if (next === undefined || next.text.startsWith('-')) {
        notes.push(`${word.where}: -${name} is not in hiodkit's table of QEMU options; taken to have no value, as the next word is an option`);
        continue;
      }
      notes.push(`${word.where}: -${name} is not in hiodkit's table of QEMU options; ${JSON.stringify(next.text.slice(0, 40))} was taken as its value`);
      i++;
      continue;
    }
    if (next === undefined) throw new InputError(word.where, `-${name} requires an argument`);
    i++;
    const where = next.where;
    switch (name) {
      case 'machine':
      case 'M':
        setMachine(next.text, where);
        break;
      case 'device':
        devices.push(parseDeviceOption(next.text, 'driver', where));
        break;
      case 'object':
        objects.push(parseDeviceOption(next.text, 'qom-type', where));
        break;
      case 'global': {
        const g = parseGlobal(next.text, where);
        if (g.driver === 'intel-iommu') globals.push(g);
        else if (g.driver === 'vfio-pci' && ['iommufd', 'host', 'sysfsdev'].includes(g.property)) throw new InputError(where, `-global vfio-pci.${g.property}: a global for a property the check reads is not modelled; set it on each -device`);
        break;
      }
      case 'set':
        applySet(next.text, where, devices, notes);
        break;
      case 'readconfig': {
        const config = readConfigFile(resolve(cwd, next.text), next.text);
        devices.push(...config.devices);
        if (config.machineType !== undefined) into.machine = { type: config.machineType, text: `type=${config.machineType}`, where: next.text };
        if (config.otherGroups.length > 0) notes.push(`${next.text}: its ${config.otherGroups.join(', ')} sections are not read`);
        break;
      }
      default:
        break;
    }
  }
}

/**
 * Parses a QEMU command line as `ps`, libvirt's log (the last start in it) or Proxmox's
 * `qm showcmd` print it into the VM description the check needs.
 */
export function parseQemuArgs(input: string, options: QemuArgsOptions): VmDescription {
  const command = commandText(input);
  let shell: ShellWord[];
  try {
    shell = shellWords(command.text);
  } catch (e) {
    if (e instanceof ShellWordsError) throw new InputError(`${options.source}:${e.line + command.firstLine - 1}`, e.reason);
    throw e;
  }
  const words = shell.map((w) => ({ text: w.text, where: `${options.source}:${w.line + command.firstLine - 1}` }));
  let i = 0;
  while (i < words.length && ENV_ASSIGNMENT.test((words[i] as ArgWord).text)) i++;
  let program = QEMU_PROGRAM;
  const first = words[i];
  if (first !== undefined && !first.text.startsWith('-')) {
    program = basename(first.text);
    i++;
  }
  const parsed = emptyArgs();
  parseArgWords(words.slice(i), parsed, options.cwd);
  return {
    form: 'qemu-args',
    source: options.source,
    program,
    ...parsed,
    ...(command.version === undefined ? {} : { qemuVersionHint: command.version }),
  };
}
