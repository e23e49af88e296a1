// A seed-profile checker in plain JavaScript speaking the JSON-lines protocol (PROTOCOL.md): the
// JS exec plugin of the throughput bench. Answers each line as it arrives.
import { createInterface } from 'node:readline';

const fail = (message) => ({ ok: false, error: { message, hints: [] } });

function check(guest, device) {
  const s = guest.props;
  if (!s.cachingMode) return fail('Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.');
  if (guest.attached.some((a) => a.bus === device.pci.bus && a.devfn === device.pci.devfn)) return fail('Host IOMMU device already exist');
  if (device.awBits.kind === 'no-get-cap') return fail('.get_cap() not implemented');
  if (device.awBits.kind === 'error') return { ok: false, error: device.awBits.error };
  if (s.awBits > device.awBits.bits) return fail(`aw-bits ${s.awBits} > host aw-bits ${device.awBits.bits}`);
  if (!s.flts) return { ok: true };
  if (![device.qom.type, ...device.qom.ancestors].includes('host-iommu-device-iommufd')) return fail('Need IOMMUFD backend when x-flts=on');
  if (device.caps.type !== 1) return fail(`Incompatible host platform IOMMU type ${device.caps.type | 0}`);
  if (s.fs1gp && ((BigInt(device.caps.vendorCaps.vtd.capReg) >> 56n) & 1n) === 0n) return fail('First stage 1GB large page is unsupported by host IOMMU');
  return fail('host IOMMU is incompatible with guest first stage translation');
}

for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line);
  if (message.hiodkit === 'hello') {
    process.stdout.write(`${JSON.stringify({ hiodkit: 'hello', protocol: 1, name: 'bench-js', implements: { profile: 'seed', kconfig: { VTD_ACCEL: true } } })}\n`);
    continue;
  }
  process.stdout.write(`${JSON.stringify({ id: message.id, outcome: check(message.guest, message.device) })}\n`);
}
