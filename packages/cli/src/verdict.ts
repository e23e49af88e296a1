import {
  decideConfig,
  hasVtdAccel,
  hostIommuTypeRegistry,
  resolveQemu,
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO,
  TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO,
  intelIommuDefaults,
  type HostIommuDevice,
  type IntelIommuProps,
  type Outcome,
  type PciAddress,
  type ProfileId,
  type VIommuState,
} from '@hiodkit/core';
import { classifyCase, expectedOutcome, loadReferenceTable, rowFor, sameOutcome } from '@hiodkit/conformance';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';

/** The reference table's row that decided, and the outcome QEMU gives. */
export interface Verdict {
  readonly outcome: Outcome;
  readonly row: { readonly id: string; readonly spec: string };
}

/** Runs the attach path on one device and names its row; the checker and the reference table must agree. */
export function evaluate(guest: VIommuState, device: HostIommuDevice, profile: ProfileId, stub: boolean): Verdict {
  const plugin = stub ? stubPlugin(profile) : vtdPlugin(profile);
  const outcome = plugin.check(guest, device);
  const c = { guest, device };
  const row = rowFor(loadReferenceTable(profile), classifyCase(c, plugin.implements));
  if (!sameOutcome(outcome, expectedOutcome(row, c))) throw new Error(`the checker and reference/${profile}.json disagree on ${device.name}`);
  return { outcome, row: { id: row.id, spec: row.spec } };
}

/** Which QEMU runs: a release and machine type (the version map), or a profile named directly. */
export type Behaviour = { readonly kind: 'release'; readonly version: string; readonly machine: string } | { readonly kind: 'profile'; readonly profile: ProfileId };

/**
 * One device's check as the input describes it, in the terms a remedy changes: the behaviour, the
 * intel-iommu properties the user set (the rest come from the machine's defaults), the build and
 * the device. `scenarioCase` turns it into the attach path's inputs.
 */
export interface Scenario {
  readonly behaviour: Behaviour;
  /** the intel-iommu fields the input sets itself; the others are the machine type's defaults */
  readonly explicit: Partial<IntelIommuProps>;
  readonly stub: boolean;
  readonly device: HostIommuDevice;
  readonly backend: 'iommufd' | 'legacy';
  /** the devices attached before this one */
  readonly attached: readonly PciAddress[];
}

export function scenarioProfile(s: Scenario): ProfileId {
  return s.behaviour.kind === 'release' ? resolveQemu(s.behaviour.version, s.behaviour.machine).profile : s.behaviour.profile;
}

/** The intel-iommu properties of a scenario: the machine's defaults with the user's fields over them. */
export function scenarioProps(s: Scenario): IntelIommuProps {
  const defaults = s.behaviour.kind === 'release' ? resolveQemu(s.behaviour.version, s.behaviour.machine).defaults : intelIommuDefaults(s.behaviour.profile);
  return { ...defaults, ...s.explicit };
}

/** A device of the scenario with its backend's QOM type. */
export function withBackend(device: HostIommuDevice, backend: 'iommufd' | 'legacy'): HostIommuDevice {
  return { ...device, qom: hostIommuTypeRegistry().instantiate(backend === 'iommufd' ? TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO : TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO) };
}

/** What QEMU does with the scenario: a start refusal (vtd_decide_config), or the attach verdict. */
export type ScenarioOutcome = { readonly kind: 'start-refused'; readonly outcome: Outcome } | ({ readonly kind: 'attach' } & Verdict);

export function runScenario(s: Scenario): ScenarioOutcome {
  const profile = scenarioProfile(s);
  const props = scenarioProps(s);
  const decided = decideConfig(props, profile);
  if (!decided.ok) return { kind: 'start-refused', outcome: decided };
  const stub = s.stub && hasVtdAccel(profile);
  return { kind: 'attach', ...evaluate({ props, attached: s.attached }, withBackend(s.device, s.backend), profile, stub) };
}

/** The rows the attach path reaches only after the FS1GP check (`s->fs1gp && !(cap_reg & VTD_CAP_FS1GP)`). */
const AFTER_FS1GP = ['fs1gp-unsupported', 'pasid-bits-exceed-host', 'behind-pci-bridge', 'first-stage-accept', 'first-stage-rejected'];
/** The rows reached after the PASID check (pasid profile). */
const AFTER_PASID = ['pasid-bits-exceed-host', 'behind-pci-bridge', 'first-stage-accept'];

/**
 * The register fields the deciding path read: cap FS1GP only once the FS1GP check runs with the
 * guest's fs1gp on (C's && reads the register only then), ecap PSS only at the PASID check with a
 * host that reports PASID support. Before the seed no register is read.
 */
export function fieldsReadBy(row: string, profile: ProfileId, props: IntelIommuProps, device: HostIommuDevice): ['cap' | 'ecap', string][] {
  if (!hasVtdAccel(profile)) return [];
  const read: ['cap' | 'ecap', string][] = [];
  if (AFTER_FS1GP.includes(row) && props.fs1gp) read.push(['cap', 'FS1GP']);
  if (profile === 'pasid' && AFTER_PASID.includes(row) && device.caps.maxPasidLog2 !== 0) read.push(['ecap', 'PSS']);
  return read;
}
