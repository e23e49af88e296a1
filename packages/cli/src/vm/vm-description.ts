import type { DeviceOption } from './device-option.js';

/** `-global driver.property=value` (or `driver=…,property=…,value=…`). */
export interface GlobalOption {
  readonly driver: string;
  readonly property: string;
  readonly value: string;
  readonly text: string;
  readonly where: string;
}

/**
 * A VM's configuration as QEMU would be started with it, from a command line or a libvirt domain:
 * the parts the host-device check depends on, in the order QEMU creates them.
 */
export interface VmDescription {
  readonly form: 'qemu-args' | 'libvirt';
  /** the input, for messages: a path or `-` */
  readonly source: string;
  /** the program name QEMU prints before its errors (argv[0]'s basename) */
  readonly program: string;
  /** -machine's type (as given, e.g. `q35` or `pc-q35-9.1`); undefined when none is given */
  readonly machine: { readonly type: string; readonly text: string; readonly where: string } | undefined;
  /** every -device, in command-line order */
  readonly devices: readonly DeviceOption[];
  /** every -object */
  readonly objects: readonly DeviceOption[];
  /** the -global options for intel-iommu, in order */
  readonly globals: readonly GlobalOption[];
  /** parts that are read but not modelled, or taken with an assumption, for the reader */
  readonly notes: readonly string[];
  /** where -machine default-bus-bypass-iommu=on was given: pcie.0's host bridge then bypasses the vIOMMU */
  readonly rootBusBypass?: { readonly where: string };
  /** the QEMU version the input itself names (libvirt's log says it), for a hint when --qemu is missing */
  readonly qemuVersionHint?: string;
}

/** The QEMU devices the model places in the guest's PCI tree, by driver. */
export const BRIDGE_DRIVERS = ['pcie-root-port', 'x3130-upstream', 'xio3130-downstream', 'pcie-pci-bridge', 'pci-bridge', 'i82801b11-bridge'] as const;
