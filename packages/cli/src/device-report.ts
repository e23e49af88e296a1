import { decodeRegister, propertyName, propertiesOf, renderUserVisible, type HostIommuDevice, type RegisterName } from '@hiodkit/core';
import { terminalText } from '@hiodkit/conformance';
import { fieldMeaning } from './field-meaning.js';
import type { Backend, DmarUnit } from './host-file.js';
import { remediesFor, type InputForm, type Remedy } from './remedies.js';
import { fieldsReadBy, runScenario, scenarioProfile, scenarioProps, type Scenario, type Verdict } from './verdict.js';
import { deviceWarnings } from './warnings.js';

/** One register field, as the reports print it. */
export interface FieldReport {
  readonly register: string;
  readonly value: string;
  readonly field: string;
  readonly linux?: string;
  readonly bits: string;
  readonly raw: string;
  readonly meaning: string;
  readonly title: string;
}

export function fieldReport(device: HostIommuDevice, wanted: readonly (readonly [RegisterName, string])[]): FieldReport[] {
  const vtd = device.caps.vendorCaps.vtd;
  return wanted.map(([reg, name]) => {
    const value = reg === 'cap' ? vtd.capReg : vtd.ecapReg;
    const f = decodeRegister(reg, value).fields.find((d) => d.field.name === name);
    if (!f) throw new Error(`no field ${name} in ${reg}_reg`);
    const bits = f.field.lsb === f.field.msb ? `bit ${f.field.lsb}` : `bits ${f.field.msb}:${f.field.lsb}`;
    return { register: `${reg}_reg`, value: `0x${value.toString(16)}`, field: f.field.name, ...(f.field.linuxName ? { linux: f.field.linuxName } : {}), bits, raw: `0x${f.raw.toString(16)}`, meaning: fieldMeaning(reg, name, value, vtd.ecapReg), title: f.field.title };
  });
}

/** Where get_cap's aw-bits came from. */
export interface AwBitsSource {
  readonly from: 'description' | 'estimate' | 'option';
  /** how the estimate was made, e.g. "SAGAW 48-bit (4-level): the 48-bit level capped at MGAW 39" */
  readonly detail?: string;
}

/** One device's answer, with what to do about a refusal and what QEMU does not check. */
export interface DeviceReport {
  /** what names it in the report: a sample host's id, a path, a host BDF */
  readonly id: string;
  /** the host BDF; undefined for a DMAR unit given without a device */
  readonly host: string | undefined;
  readonly unit?: DmarUnit;
  readonly group?: string;
  readonly backend: Backend;
  /** where it sits in the guest, e.g. "00:1c.0 pcie-root-port → 01:00.0" */
  readonly placement: string;
  readonly description?: string;
  readonly awBits: AwBitsSource;
  readonly device: HostIommuDevice;
  readonly verdict: Verdict;
  /** what QEMU prints when it refuses; empty when it accepts */
  readonly line: string;
  /** the same with every text from the input escaped for a terminal */
  readonly shownLine: string;
  readonly fieldsRead: readonly FieldReport[];
  readonly remedies: readonly Remedy[];
  readonly warnings: readonly string[];
}

/** A DMAR unit given alone names no device: QEMU's line shows this in its place. */
export const ANY_DEVICE = 'DDDD:BB:DD.F';

export interface ReportInput {
  readonly id: string;
  readonly host: string | undefined;
  readonly unit?: DmarUnit;
  readonly group?: string;
  readonly placement: string;
  readonly description?: string;
  readonly awBits: AwBitsSource;
  readonly scenario: Scenario;
  readonly form: InputForm;
  /** the -device argument QEMU would print; the default is vfio-pci,host=…[,iommufd=iommufd0] */
  readonly option?: string;
  readonly program?: string;
}

/** Checks one device and gathers its report. */
export function deviceReport(input: ReportInput): DeviceReport {
  const { scenario } = input;
  const result = runScenario(scenario);
  if (result.kind !== 'attach') throw new Error('deviceReport: the configuration does not start; decide it before the devices');
  const profile = scenarioProfile(scenario);
  const props = scenarioProps(scenario);
  const name = input.host ?? ANY_DEVICE;
  const option = input.option ?? (scenario.backend === 'iommufd' ? `vfio-pci,host=${name},iommufd=iommufd0` : `vfio-pci,host=${name}`);
  const render = (escape: (t: string) => string) =>
    result.outcome.ok ? '' : renderUserVisible(result.outcome.error, escape(name), { kind: 'cold', deviceOption: escape(option), ...(input.program === undefined ? {} : { program: escape(input.program) }) }, profile);
  const line = render((t) => t);
  const hasFlts = propertiesOf(profile).some((p) => p.field === 'flts');
  return {
    id: input.id,
    host: input.host,
    ...(input.unit === undefined ? {} : { unit: input.unit }),
    ...(input.group === undefined ? {} : { group: input.group }),
    backend: scenario.backend,
    placement: input.placement,
    ...(input.description === undefined ? {} : { description: input.description }),
    awBits: input.awBits,
    device: scenario.device,
    verdict: { outcome: result.outcome, row: result.row },
    line,
    shownLine: render((t) => terminalText(t, Infinity)),
    fieldsRead: scenario.device.caps.type === 1 ? fieldReport(scenario.device, fieldsReadBy(result.row.id, profile, props, scenario.device)) : [],
    remedies: result.outcome.ok ? [] : remediesFor(scenario, result.row.id, input.form),
    warnings: deviceWarnings(scenario.device, hasFlts && props.flts, hasFlts ? propertyName(profile, 'flts') : 'x-flts'),
  };
}
