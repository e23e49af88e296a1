import { iommuHwInfoTypeName } from '@hiodkit/core';
import { terminalText } from '@hiodkit/conformance';
import type { DeviceReport, FieldReport } from './device-report.js';

/** Fields that tell a reader whether nesting can work, though the check does not read them. */
export const CONTEXT_FIELDS: readonly (readonly ['cap' | 'ecap', string])[] = [['cap', 'MGAW'], ['cap', 'SAGAW'], ['ecap', 'SMTS'], ['ecap', 'FSTS'], ['ecap', 'SSTS'], ['ecap', 'NEST'], ['ecap', 'PASID'], ['ecap', 'PSS']];

/** QEMU's lines, indented under a device; shownLine has every text from the input through terminalText already. */
function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? '' : `${indent}${l}`))
    .join('\n')
    .trimEnd();
}

function fieldLine(f: FieldReport): string {
  return `${f.register} ${f.value}: ${f.field}${f.linux ? ` (${f.linux})` : ''} ${f.bits} = ${f.raw} · ${f.title}: ${f.meaning}`;
}

function awBitsText(r: DeviceReport): string {
  const a = r.device.awBits;
  if (a.kind !== 'value') return a.kind;
  if (r.awBits.from === 'estimate') return `${a.bits} (${r.awBits.detail ?? ''}; QEMU asks the kernel's IOVA ranges, which sysfs does not show)`;
  return String(a.bits);
}

/** The remedies and warnings lines of a device, as `fix:`, `or:` and `warning:`. */
function adviceLines(r: DeviceReport, indent: string): string[] {
  return [
    ...r.remedies.map((m, i) => `${indent}${i === 0 ? 'fix' : 'or'}: ${terminalText(m.text, Infinity)}`),
    ...(r.verdict.outcome.ok || r.remedies.length > 0 ? [] : [`${indent}fix: none that is provably right for this refusal`]),
    ...r.warnings.map((w) => `${indent}warning: ${terminalText(w, Infinity)}`),
  ];
}

/** The detailed block of one device (--host, --sysfs DIR of a unit or a device, the sample hosts). */
export function detailedBlock(r: DeviceReport, context: readonly FieldReport[]): string {
  const d = r.device;
  const u = r.unit;
  const unit = u ? ` on DMAR unit ${terminalText(u.name)}${u.address ? ` at ${terminalText(u.address)}` : ''}${u.version ? `, version ${terminalText(u.version)}` : ''}${u.path ? ` (${terminalText(u.path, Infinity)})` : ''}` : '';
  const type = iommuHwInfoTypeName(d.caps.type);
  const name = r.host === undefined ? 'any device it serves' : terminalText(r.host);
  const lines = [
    `${terminalText(r.id, Infinity)}: ${name}${unit}`,
    `  ${r.backend} backend (${d.qom.type}) · IOMMU type ${d.caps.type}${type ? ` (${type})` : ''} · host aw-bits ${awBitsText(r)}`,
    `  in the guest: ${terminalText(r.placement, Infinity)}`,
    // the schema bounds a description's length: it is never cut
    ...(r.description ? [`  ${terminalText(r.description, Infinity)}`] : []),
    `  ${r.verdict.outcome.ok ? 'COMPATIBLE' : 'INCOMPATIBLE'}: decided by ${r.verdict.row.id} (${r.verdict.row.spec})`,
  ];
  if (!r.verdict.outcome.ok) lines.push(indentLines(r.shownLine, '    '));
  if (r.fieldsRead.length > 0) lines.push('  register fields the check reads:', ...r.fieldsRead.map((f) => `    ${fieldLine(f)}`));
  if (context.length > 0) lines.push(`  context: ${context.map((f) => `${f.field} ${f.meaning}`).join(' · ')}`);
  lines.push(...adviceLines(r, '  '));
  return lines.join('\n');
}

/** One line per device, grouped by DMAR unit and IOMMU group, then QEMU's line and the advice under it. */
export function tableBlocks(reports: readonly DeviceReport[], units: readonly { name: string; header: string; warnings: readonly string[] }[]): string[] {
  const blocks: string[] = [];
  for (const unit of units) {
    const mine = reports.filter((r) => r.unit?.name === unit.name);
    if (mine.length === 0) continue;
    const lines = [unit.header, ...unit.warnings.map((w) => `  warning: ${terminalText(w, Infinity)}`)];
    const groups = [...new Set(mine.map((r) => r.group ?? '?'))];
    for (const group of groups) {
      for (const r of mine.filter((m) => (m.group ?? '?') === group)) {
        const verdict = r.verdict.outcome.ok ? 'COMPATIBLE' : 'INCOMPATIBLE';
        lines.push(`  group ${terminalText(group)}  ${terminalText(r.host ?? r.id)}  ${verdict}  ${r.verdict.row.id}  guest ${terminalText(r.placement, Infinity)}`);
        if (!r.verdict.outcome.ok) lines.push(indentLines(r.shownLine, '      '));
        lines.push(...adviceLines({ ...r, warnings: r.warnings.filter((w) => !unit.warnings.includes(w)) }, '    '));
      }
    }
    blocks.push(lines.join('\n'));
  }
  return blocks;
}

/** The closing summary: how many devices, and how many each refusing row decided. */
export function summaryLine(reports: readonly DeviceReport[]): string {
  const refused = reports.filter((r) => !r.verdict.outcome.ok);
  const byRow = new Map<string, number>();
  for (const r of refused) byRow.set(r.verdict.row.id, (byRow.get(r.verdict.row.id) ?? 0) + 1);
  const rows = [...byRow].map(([row, n]) => `${row} ${n}`).join(', ');
  const units = new Set(reports.map((r) => r.unit?.name)).size;
  return `summary: ${reports.length} device${reports.length === 1 ? '' : 's'} on ${units} DMAR unit${units === 1 ? '' : 's'}: ${reports.length - refused.length} compatible, ${refused.length} incompatible${rows === '' ? '' : ` (${rows})`}`;
}

/** A device report as JSON: the exact texts, no terminal escaping. */
export function reportJson(r: DeviceReport) {
  return {
    id: r.id,
    host: r.host ?? null,
    ...(r.unit ? { unit: { name: r.unit.name, address: r.unit.address, version: r.unit.version, path: r.unit.path } } : {}),
    ...(r.group === undefined ? {} : { group: r.group }),
    backend: r.backend,
    placement: r.placement,
    awBits: r.device.awBits.kind === 'value' ? r.device.awBits.bits : r.device.awBits.kind,
    awBitsFrom: r.awBits.from,
    ...(r.awBits.detail === undefined ? {} : { awBitsDetail: r.awBits.detail }),
    compatible: r.verdict.outcome.ok,
    ...(r.verdict.outcome.ok ? {} : { error: r.verdict.outcome.error, line: r.line }),
    decidedBy: r.verdict.row,
    fieldsRead: r.fieldsRead,
    remedies: r.remedies.map((m) => ({ text: m.text, change: m.change })),
    warnings: r.warnings,
  };
}
