import { Errp, errorPrepend, errorPropagate, hintText, type QemuError } from './error.js';
import { profileAtLeast, type ProfileId } from './profile.js';

/** The binary name error_report() prints first for a command-line location. */
export const QEMU_PROGRAM = 'qemu-system-x86_64';

/**
 * What vfio_realize() prepends to a failed pci_device_set_iommu_device(): "Failed to set
 * iommu_device: " in QEMU 9.1 and 9.2, "Failed to set vIOMMU: " from 10.0 on (BEHAVIOUR §error.user-line).
 */
export function setIommuPrefix(profile: ProfileId): string {
  return profileAtLeast(profile, 'xflts-refuse') ? 'Failed to set vIOMMU: ' : 'Failed to set iommu_device: ';
}

/**
 * vfio_realize()'s wrapping of a failed pci_device_set_iommu_device(): it prepends the profile's
 * setIommuPrefix, then VFIO_MSG_PREFIX "vfio %s: " with the device name.
 */
export function vfioSetIommuError(error: QemuError, vfioName: string, profile: ProfileId): QemuError {
  const errp = new Errp();
  errorPropagate(errp, error);
  errorPrepend(errp, setIommuPrefix(profile));
  errorPrepend(errp, 'vfio %s: ', vfioName);
  return errp.error as QemuError;
}

/** How the device was added, which decides what QEMU prints. */
export type PlugContext =
  /** `-device vfio-pci,…` on the command line: the option is the location prefix */
  | { readonly kind: 'cold'; readonly deviceOption: string; readonly program?: string }
  /** HMP `device_add`: hmp_handle_error() prefixes "Error: " */
  | { readonly kind: 'hmp' }
  /** QMP `device_add`: the message becomes the `desc`; hints are dropped */
  | { readonly kind: 'qmp' };

/**
 * What the user sees for an attach error, as error_report_err() prints it: the message line, then
 * the hint text verbatim (a hint without a trailing newline is printed without one). For QMP,
 * the JSON error response.
 */
export function renderUserVisible(error: QemuError, vfioName: string, context: PlugContext, profile: ProfileId): string {
  const wrapped = vfioSetIommuError(error, vfioName, profile);
  switch (context.kind) {
    case 'cold':
      return `${context.program ?? QEMU_PROGRAM}: -device ${context.deviceOption}: ${wrapped.message}\n${hintText(wrapped)}`;
    case 'hmp':
      return `Error: ${wrapped.message}\n${hintText(wrapped)}`;
    case 'qmp':
      return JSON.stringify({ error: { class: 'GenericError', desc: wrapped.message } });
  }
}
