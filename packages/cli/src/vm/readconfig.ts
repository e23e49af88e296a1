import { InputError } from '@hiodkit/core';
import { readBounded } from '../bounded-read.js';
import type { DeviceOption, OptValue } from './device-option.js';

/** A -readconfig file is a few kilobytes; anything much bigger is not one. */
export const MAX_READCONFIG_BYTES = 256 * 1024;

/** What a -readconfig file adds: its [device "id"] sections (qemu_config_parse's format), and a [machine] type. */
export interface ReadConfig {
  readonly devices: readonly DeviceOption[];
  readonly machineType: string | undefined;
  /** the groups it has that hiodkit does not read, e.g. drive, chardev */
  readonly otherGroups: readonly string[];
}

const SECTION = /^\[([A-Za-z0-9_-]+)(?:\s+"([^"]*)")?\]$/;
const ASSIGNMENT = /^([A-Za-z0-9_.-]+)\s*=\s*"([^"]*)"$/;

/** Parses the text of a -readconfig file: `[group "id"]` headers, `key = "value"` lines, `#` comments. */
export function parseReadConfig(text: string, path: string): ReadConfig {
  const devices: DeviceOption[] = [];
  const otherGroups = new Set<string>();
  let machineType: string | undefined;
  let section: { group: string; id: string | undefined; line: number; props: Map<string, OptValue> } | undefined;
  const close = () => {
    if (section?.group !== 'device') return;
    const driver = section.props.get('driver');
    const where = `${path}:${section.line}`;
    if (typeof driver !== 'string') throw new InputError(where, `[device${section.id === undefined ? '' : ` "${section.id}"`}] has no driver`);
    section.props.delete('driver');
    const text = [`driver=${driver}`, ...(section.id === undefined ? [] : [`id=${section.id}`]), ...[...section.props].map(([k, v]) => `${k}=${String(v)}`)].join(',');
    devices.push({ driver, id: section.id, props: section.props, form: 'opts', text, where });
  };
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const header = SECTION.exec(line);
    if (header) {
      close();
      const group = header[1] as string;
      section = { group, id: header[2], line: index + 1, props: new Map() };
      if (group !== 'device' && group !== 'machine') otherGroups.add(group);
      return;
    }
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment || section === undefined) throw new InputError(`${path}:${index + 1}`, `not a config file line: expected [group "id"] or key = "value", got ${JSON.stringify(line.slice(0, 60))}`);
    const [, key = '', value = ''] = assignment;
    if (section.group === 'machine' && key === 'type') machineType = value;
    section.props.set(key, value);
  });
  close();
  return { devices, machineType, otherGroups: [...otherGroups] };
}

/** Reads and parses a -readconfig file. */
export function readConfigFile(path: string, shown: string): ReadConfig {
  return parseReadConfig(readBounded(path, MAX_READCONFIG_BYTES, 'a -readconfig file').toString('utf8'), shown);
}
