import { DOMParser, type Element } from '@xmldom/xmldom';
import { InputError, QEMU_PROGRAM } from '@hiodkit/core';
import type { DeviceOption, OptValue } from './device-option.js';
import { emptyArgs, parseArgWords } from './qemu-args.js';
import type { VmDescription } from './vm-description.js';

/*
 * A libvirt domain (virsh dumpxml) as the QEMU command line libvirt builds from it, following
 * libvirt:docs/formatdomain.rst@6866f958 for the XML and libvirt:src/qemu/qemu_command.c@4cf22396
 * (qemuBuildIOMMUCommandLine) for the intel-iommu properties; <qemu:override> and
 * <qemu:commandline> as libvirt:docs/drvqemu.rst@f41d1a2e documents them (since 8.2.0 and 0.8.3).
 */

export const QEMU_NAMESPACE = 'http://libvirt.org/schemas/domain/qemu/1.0';
/** libvirt domains are a few kilobytes; the depth of one is about 6. */
export const MAX_LIBVIRT_DEPTH = 64;

/** libvirt's <controller type='pci' model=…> → the QEMU device it becomes (formatdomain.rst "PCI topology"). */
const CONTROLLER_DEVICES: Readonly<Record<string, string>> = {
  'pcie-root-port': 'pcie-root-port',
  'pcie-switch-upstream-port': 'x3130-upstream',
  'pcie-switch-downstream-port': 'xio3130-downstream',
  'pcie-to-pci-bridge': 'pcie-pci-bridge',
  'pci-bridge': 'pci-bridge',
  'dmi-to-pci-bridge': 'i82801b11-bridge',
  'pcie-expander-bus': 'pxb-pcie',
  'pci-expander-bus': 'pxb',
};

/** <driver …/> of <iommu model='intel'> → the intel-iommu JSON property and its type, in the order libvirt writes them. */
const IOMMU_DRIVER: readonly (readonly [attribute: string, property: string, kind: 'string' | 'bool' | 'number'])[] = [
  ['intremap', 'intremap', 'string'],
  ['caching_mode', 'caching-mode', 'bool'],
  ['eim', 'eim', 'string'],
  ['iotlb', 'device-iotlb', 'bool'],
  ['aw_bits', 'aw-bits', 'number'],
];

/** The deepest element nesting of XML text, counted without parsing it (comments, CDATA and PIs skipped). */
export function xmlDepth(text: string): number {
  let depth = 0;
  let max = 0;
  const tags = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[^>]*?(\/?)>/g;
  for (const m of text.matchAll(tags)) {
    if (m[0].startsWith('<!--') || m[0].startsWith('<![') || m[0].startsWith('<?')) continue;
    if (m[1] === '/') depth--;
    else if (m[2] !== '/') max = Math.max(max, ++depth);
  }
  return max;
}

function children(el: Element, name: string, ns: string | null = null): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns) out.push(n as Element);
  }
  return out;
}

function child(el: Element, name: string, ns: string | null = null): Element | undefined {
  return children(el, name, ns)[0];
}

function attr(el: Element | undefined, name: string): string | undefined {
  return el?.hasAttribute(name) ? el.getAttribute(name) ?? undefined : undefined;
}

function at(source: string, el: Element): string {
  const line = (el as Element & { lineNumber?: number }).lineNumber;
  return line === undefined ? `${source} <${el.tagName}>` : `${source}:${line} <${el.tagName}>`;
}

/** A libvirt hex or decimal attribute (domain='0x0000' bus='0x06'), as virXMLPropUInt reads it. */
function number(el: Element, name: string, source: string, fallback?: number): number {
  const text = attr(el, name);
  if (text === undefined) {
    if (fallback !== undefined) return fallback;
    throw new InputError(at(source, el), `has no ${name}=`);
  }
  const n = /^0[xX][0-9a-fA-F]+$/.test(text) ? Number.parseInt(text, 16) : /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new InputError(at(source, el), `${name}=${JSON.stringify(text)} is not a number`);
  return n;
}

/** The bus a libvirt <address type='pci' bus='N'> names: controller N's alias, pcie.0 for the root. */
function busId(bus: number, aliases: ReadonlyMap<number, string>): string {
  return aliases.get(bus) ?? (bus === 0 ? 'pcie.0' : `pci.${bus}`);
}

function pciAddress(el: Element, what: string, source: string, aliases: ReadonlyMap<number, string>): { bus: string; addr: string } {
  const address = children(el, 'address').find((a) => attr(a, 'type') === 'pci');
  if (address === undefined) throw new InputError(at(source, el), `${what} has no <address type='pci'>: libvirt assigns it when the domain is defined, so give the XML \`virsh dumpxml\` prints`);
  const slot = number(address, 'slot', source);
  const fn = number(address, 'function', source, 0);
  const hex = (n: number) => `0x${n.toString(16)}`;
  return { bus: busId(number(address, 'bus', source), aliases), addr: fn === 0 ? hex(slot) : `${hex(slot)}.${hex(fn)}` };
}

function jsonDevice(driver: string, id: string, props: [string, OptValue][], where: string): DeviceOption {
  const map = new Map(props);
  return { driver, id, props: map, form: 'json', text: JSON.stringify({ driver, id, ...Object.fromEntries(map) }), where };
}

function parseXml(text: string, source: string): Element {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new InputError(source, 'has a DOCTYPE or an entity declaration; libvirt domains have neither, and entities are refused rather than expanded');
  const depth = xmlDepth(text);
  if (depth > MAX_LIBVIRT_DEPTH) throw new InputError(source, `nests elements ${depth} deep; at most ${MAX_LIBVIRT_DEPTH} are allowed`);
  let problem: string | undefined;
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') problem ??= message;
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    // xmldom 0.9 throws a ParseError on a fatal error after reporting it
    problem ??= e instanceof Error ? e.message : String(e);
  }
  if (problem !== undefined || doc === undefined) throw new InputError(source, `is not well-formed XML: ${(problem ?? 'no document').split('\n')[0]}`);
  const root = doc.documentElement;
  if (root === null || root.localName !== 'domain' || root.namespaceURI !== null) throw new InputError(source, `is not a libvirt domain: the root element is <${root?.tagName ?? 'none'}>, not <domain>`);
  return root;
}

/** Parses a libvirt domain XML into the VM description of the command line libvirt would build. */
export function parseLibvirtDomain(text: string, source: string, cwd: string): VmDescription {
  const domain = parseXml(text, source);
  const notes: string[] = [];
  const os = child(domain, 'os');
  const type = os === undefined ? undefined : child(os, 'type');
  const machineType = attr(type, 'machine');
  const devicesEl = child(domain, 'devices');
  const devices: DeviceOption[] = [];
  const objects: DeviceOption[] = [];
  if (devicesEl === undefined) throw new InputError(source, 'has no <devices>');
  if (child(domain, 'iommufd') !== undefined || child(devicesEl, 'iommufd') !== undefined) {
    throw new InputError(source, "the domain-level <iommufd> is not modelled (hiodkit reads iommufd from each <hostdev>'s <driver iommufd='yes'/>)");
  }

  // controllers: libvirt's ids are pci.N for index N (its aliases), in index order on the command line
  const aliases = new Map<number, string>();
  const controllers = children(devicesEl, 'controller').filter((c) => attr(c, 'type') === 'pci');
  for (const c of controllers) {
    const index = number(c, 'index', source);
    // the root's QEMU bus is pcie.0; the others are pci.N, libvirt's aliases
    aliases.set(index, attr(child(c, 'alias'), 'name') ?? (attr(c, 'model') === 'pcie-root' ? 'pcie.0' : `pci.${index}`));
  }
  for (const c of [...controllers].sort((a, b) => number(a, 'index', source) - number(b, 'index', source))) {
    const model = attr(c, 'model') ?? '';
    if (model === 'pcie-root') continue;
    if (model === 'pci-root') throw new InputError(at(source, c), "a pci-root controller is an i440fx machine's; intel-iommu is only supported by -machine q35");
    const driver = attr(child(c, 'model'), 'name') ?? CONTROLLER_DEVICES[model];
    if (driver === undefined) throw new InputError(at(source, c), `controller model ${JSON.stringify(model)} is not one hiodkit knows (${Object.keys(CONTROLLER_DEVICES).join(', ')}, pcie-root)`);
    const { bus, addr } = pciAddress(c, `controller ${model} index ${attr(c, 'index') ?? '?'}`, source, aliases);
    devices.push(jsonDevice(driver, aliases.get(number(c, 'index', source)) as string, [['bus', bus], ['addr', addr]], at(source, c)));
  }

  for (const iommu of children(devicesEl, 'iommu')) {
    const model = attr(iommu, 'model');
    if (model !== 'intel') throw new InputError(at(source, iommu), `iommu model ${JSON.stringify(model)}: hiodkit models the intel one (intel-iommu) only`);
    const driver = child(iommu, 'driver');
    const props: [string, OptValue][] = [];
    for (let i = 0; driver !== undefined && i < driver.attributes.length; i++) {
      const a = driver.attributes.item(i);
      if (a === null) continue;
      const mapped = IOMMU_DRIVER.find(([name]) => name === a.name);
      if (a.name === 'dma_translation') {
        notes.push(`${at(source, driver)}: dma_translation is not modelled (the property libvirt writes for it was not read); QEMU's default is used`);
        continue;
      }
      if (mapped === undefined) throw new InputError(at(source, driver), `${a.name}= is not an <iommu model='intel'> driver attribute hiodkit maps (${IOMMU_DRIVER.map(([n]) => n).join(', ')}, dma_translation)`);
      const [, property, kind] = mapped;
      if (kind === 'number') {
        const n = Number(a.value);
        // qemuBuildIOMMUCommandLine: aw-bits is written only when set (0 is unset)
        if (n !== 0) props.push([property, Number.isSafeInteger(n) ? n : a.value]);
      } else if (a.value !== 'on' && a.value !== 'off') throw new InputError(at(source, driver), `${a.name}=${JSON.stringify(a.value)}: libvirt takes on or off`);
      else props.push([property, kind === 'bool' ? a.value === 'on' : a.value]);
    }
    devices.push(jsonDevice('intel-iommu', attr(child(iommu, 'alias'), 'name') ?? 'iommu0', props, at(source, iommu)));
  }

  let hostdevIndex = 0;
  for (const hostdev of children(devicesEl, 'hostdev')) {
    if (attr(hostdev, 'mode') !== 'subsystem' || attr(hostdev, 'type') !== 'pci') {
      notes.push(`${at(source, hostdev)}: a hostdev of mode ${attr(hostdev, 'mode') ?? '?'}, type ${attr(hostdev, 'type') ?? '?'} is not a PCI passthrough and is not read`);
      continue;
    }
    const address = child(child(hostdev, 'source') ?? hostdev, 'address');
    if (address === undefined || child(hostdev, 'source') === undefined) throw new InputError(at(source, hostdev), 'has no <source><address …/></source>: the host device is not named');
    const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
    const host = `${hex(number(address, 'domain', source, 0), 4)}:${hex(number(address, 'bus', source), 2)}:${hex(number(address, 'slot', source), 2)}.${number(address, 'function', source)}`;
    const driver = child(hostdev, 'driver');
    const driverName = attr(driver, 'name');
    if (driverName !== undefined && driverName !== 'vfio') throw new InputError(at(source, hostdev), `driver name=${JSON.stringify(driverName)}: only VFIO passthrough is modelled`);
    const iommufd = attr(driver, 'iommufd') === 'yes';
    const id = attr(child(hostdev, 'alias'), 'name') ?? `hostdev${hostdevIndex}`;
    hostdevIndex++;
    const { bus, addr } = pciAddress(hostdev, `hostdev ${host}`, source, aliases);
    devices.push(jsonDevice('vfio-pci', id, [['host', host], ...(iommufd ? ([['iommufd', 'iommufd0']] as [string, OptValue][]) : []), ['bus', bus], ['addr', addr]], at(source, hostdev)));
    if (iommufd && !objects.some((o) => o.id === 'iommufd0')) {
      objects.push({ driver: 'iommufd', id: 'iommufd0', props: new Map(), form: 'json', text: '{"qom-type":"iommufd","id":"iommufd0"}', where: at(source, hostdev) });
    }
  }

  // <qemu:override><qemu:device alias=…><qemu:frontend><qemu:property name type value/>
  for (const override of children(domain, 'override', QEMU_NAMESPACE)) {
    for (const dev of children(override, 'device', QEMU_NAMESPACE)) {
      const alias = attr(dev, 'alias');
      const index = devices.findIndex((d) => d.id === alias);
      const target = devices[index];
      if (target === undefined) throw new InputError(at(source, dev), `alias ${JSON.stringify(alias)} names no device of this domain (${devices.map((d) => d.id).join(', ')})`);
      const props = new Map(target.props);
      for (const frontend of children(dev, 'frontend', QEMU_NAMESPACE)) {
        for (const p of children(frontend, 'property', QEMU_NAMESPACE)) {
          const name = attr(p, 'name');
          const kind = attr(p, 'type');
          const value = attr(p, 'value') ?? '';
          if (name === undefined) throw new InputError(at(source, p), 'has no name=');
          props.delete(name);
          if (kind === 'remove') continue;
          if (kind === 'string') props.set(name, value);
          else if (kind === 'bool' && (value === 'true' || value === 'false')) props.set(name, value === 'true');
          else if ((kind === 'unsigned' || kind === 'signed') && /^-?[0-9]+$/.test(value)) props.set(name, Number(value));
          else throw new InputError(at(source, p), `type=${JSON.stringify(kind)} value=${JSON.stringify(value)} is not one libvirt takes (string, unsigned, signed, bool true|false, remove)`);
        }
      }
      devices[index] = jsonDevice(target.driver, target.id as string, [...props], target.where);
    }
  }

  const parsed = emptyArgs();
  parsed.devices.push(...devices);
  parsed.objects.push(...objects);
  if (machineType !== undefined && type !== undefined) parsed.machine = { type: machineType, text: machineType, where: at(source, type) };
  // <qemu:commandline><qemu:arg value=…/>: appended to the command line libvirt builds
  const args = children(domain, 'commandline', QEMU_NAMESPACE).flatMap((c) => children(c, 'arg', QEMU_NAMESPACE).map((a) => ({ text: attr(a, 'value') ?? '', where: at(source, a) })));
  parseArgWords(args, parsed, cwd);
  return { form: 'libvirt', source, program: QEMU_PROGRAM, ...parsed, notes: [...notes, ...parsed.notes] };
}
