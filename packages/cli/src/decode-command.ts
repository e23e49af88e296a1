import { resolve } from 'node:path';
import { decodeRegister, describeMeaning, parseU64, type RegisterName } from '@hiodkit/core';
import { terminalText } from '@hiodkit/conformance';

import { parseOptions, pathOption } from './args.js';
import { EXIT, UsageError } from './cli-error.js';
import type { CliIo } from './io.js';
import { fieldMeaning } from './field-meaning.js';
import { registerWarnings } from './register-warnings.js';
import { readSysfs } from './sysfs.js';

export const DECODE_HELP = `Usage: hiodkit decode (--cap HEX [--ecap HEX] | --sysfs DIR) [--json]

Decodes VT-d Capability and Extended Capability registers into every named field.

  --cap HEX      cap_reg, as 0x… or sysfs's bare lowercase hex
  --ecap HEX     ecap_reg, likewise
  --sysfs DIR    read both from a DMAR unit (/sys/class/iommu/dmarN) or a PCI
                 device directory (/sys/bus/pci/devices/BDF, via its iommu link)
  --json         print JSON instead of a table
  -h, --help     show this help

A register of 0, all ones or with reserved bits set is decoded, with a warning
on stderr.

Exit codes: 0 decoded, 2 bad usage or bad input.`;

function rows(register: RegisterName, value: bigint) {
  return decodeRegister(register, value).fields.map(({ field, raw, meaning }) => ({
    register: `${register}_reg`,
    field: field.name,
    ...(field.linuxName !== undefined ? { linux: field.linuxName } : {}),
    bits: field.lsb === field.msb ? `${field.lsb}` : `${field.msb}:${field.lsb}`,
    raw: `0x${raw.toString(16)}`,
    meaning: field.name === 'PSS' ? fieldMeaning(register, 'PSS', value) : describeMeaning(field, meaning),
    title: field.title,
  }));
}

export function decodeCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseOptions(
    'decode',
    {
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        cap: { type: 'string' },
        ecap: { type: 'string' },
        sysfs: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
  );
  if (values.help) {
    io.stdout(`${DECODE_HELP}\n`);
    return EXIT.ok;
  }
  const registers: [RegisterName, bigint][] = [];
  let source = '';
  const sysfsPath = pathOption('--sysfs', values.sysfs);
  if (sysfsPath !== undefined) {
    if (values.cap !== undefined || values.ecap !== undefined) throw new UsageError('--sysfs reads cap and ecap itself; do not pass --cap or --ecap with it', 'decode');
    const target = readSysfs(resolve(io.cwd, sysfsPath));
    registers.push(['cap', target.unit.cap], ['ecap', target.unit.ecap]);
    source = target.kind === 'unit' ? `DMAR unit ${target.unit.name}` : `${target.bdf} via its iommu link: DMAR unit ${target.unit.name}`;
  } else {
    if (values.cap === undefined && values.ecap === undefined) throw new UsageError('give --cap HEX (and --ecap HEX), or --sysfs DIR', 'decode');
    if (values.cap !== undefined) registers.push(['cap', parseU64(values.cap, '--cap')]);
    if (values.ecap !== undefined) registers.push(['ecap', parseU64(values.ecap, '--ecap')]);
  }
  for (const [name, value] of registers) for (const w of registerWarnings(name, value)) io.stderr(`hiodkit decode: warning: ${w} It is decoded as given.\n`);
  const table = registers.flatMap(([name, value]) => rows(name, value));
  if (values.json) {
    const out = Object.fromEntries(registers.map(([name, value]) => [`${name}Reg`, { value: `0x${value.toString(16)}`, reserved: `0x${decodeRegister(name, value).reserved.toString(16)}`, fields: rows(name, value) }]));
    io.stdout(`${JSON.stringify(source ? { source, ...out } : out, null, 2)}\n`);
    return EXIT.ok;
  }
  if (source) io.stdout(`${terminalText(source, Infinity)}\n`);
  for (const [name, value] of registers) {
    const decoded = decodeRegister(name, value);
    io.stdout(`${name}_reg = 0x${value.toString(16).padStart(16, '0')}${decoded.reserved !== 0n ? `  (reserved bits set: 0x${decoded.reserved.toString(16)})` : ''}\n`);
    const own = table.filter((r) => r.register === `${name}_reg`);
    const w = { field: Math.max(...own.map((r) => r.field.length + (r.linux ? r.linux.length + 3 : 0))), bits: 5, meaning: Math.max(...own.map((r) => r.meaning.length)) };
    for (const r of own) {
      const label = r.linux ? `${r.field} (${r.linux})` : r.field;
      io.stdout(`  ${label.padEnd(w.field)}  ${r.bits.padStart(w.bits)}  ${r.meaning.padEnd(w.meaning)}  ${r.title}\n`);
    }
  }
  return EXIT.ok;
}
