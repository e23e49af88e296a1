// The deliberately broken plugins, each with the one fault it plants and the property meant to catch it.
import type { CheckerPlugin } from '@hiodkit/core';
import type { PluginModule, PropertyId } from '../../src/index.js';
import { seedChecker, swapped } from './seed-checker.js';

export interface BrokenPlugin {
  readonly id: string;
  readonly fault: string;
  readonly caughtBy: PropertyId;
  readonly plugin: CheckerPlugin | PluginModule;
}

function broken(id: string, fault: string, caughtBy: PropertyId, plugin: CheckerPlugin | PluginModule): BrokenPlugin {
  return { id, fault, caughtBy, plugin };
}

const correct = seedChecker('correct');
let calls = 0;

export const BROKEN_PLUGINS: readonly BrokenPlugin[] = [
  broken('swap-caching-duplicate', 'checks already-attached before caching-mode', 'precedence/first-failure', seedChecker('s12', { order: swapped('caching', 'duplicate') })),
  broken('swap-duplicate-getcap', 'checks get_cap before already-attached', 'precedence/first-failure', seedChecker('s23', { order: swapped('duplicate', 'get-cap') })),
  broken('swap-awbits-flts', 'accepts x-flts=off before comparing aw-bits', 'precedence/first-failure', seedChecker('s56', { order: swapped('get-cap', 'flts-gate') })),
  broken('swap-flts-iommufd', 'runs the IOMMUFD check even with x-flts=off', 'precedence/first-failure', seedChecker('s67', { order: swapped('flts-gate', 'iommufd') })),
  broken('swap-iommufd-type', 'checks the type before the IOMMUFD backend', 'precedence/first-failure', seedChecker('s78', { order: swapped('iommufd', 'type') })),
  broken('swap-type-fs1gp', 'checks FS1GP before the type', 'precedence/first-failure', seedChecker('s89', { order: swapped('type', 'fs1gp') })),
  broken('swap-fs1gp-final', 'rejects unconditionally before checking FS1GP', 'precedence/first-failure', seedChecker('s910', { order: swapped('fs1gp', 'final') })),
  broken('final-dropped', 'accepts a device that passes every check', 'final-rejection', seedChecker('final', { finalAccepts: true })),
  broken('fs1gp-bit-55', 'reads FS1GP from cap_reg bit 55', 'table-equivalence', seedChecker('b55', { fs1gpBit: 55n })),
  broken('fs1gp-bit-57', 'reads FS1GP from cap_reg bit 57', 'table-equivalence', seedChecker('b57', { fs1gpBit: 57n })),
  broken('fs1gp-from-ecap', 'reads FS1GP from ecap_reg', 'table-equivalence', seedChecker('ecap', { fs1gpFromEcap: true })),
  broken('fs1gp-via-number', 'reads cap_reg through a JS number, which rounds bit 56', 'table-equivalence', seedChecker('num', { fs1gpViaNumber: true })),
  broken('guest-fs1gp-ignored', 'requires FS1GP even when the guest sets fs1gp=off', 'table-equivalence', seedChecker('nofs1gp', { ignoreGuestFs1gp: true })),
  broken('exact-type-match', 'compares the QOM type name instead of casting', 'table-equivalence', seedChecker('exact', { iommufdCheck: 'exact-name' })),
  broken('legacy-accepted', 'skips the IOMMUFD backend check', 'table-equivalence', seedChecker('legacy', { iommufdCheck: 'skip' })),
  broken('legacy-denylist', 'refuses only legacy-vfio instead of casting to iommufd', 'table-equivalence', seedChecker('deny', { iommufdCheck: 'not-legacy' })),
  broken('type-greater-than-1', 'checks type > 1 instead of type != 1', 'table-equivalence', seedChecker('gt', { typeCheck: 'gt' })),
  broken('type-unsigned', 'prints the type with %u', 'table-equivalence', seedChecker('u', { typeFormat: 'Incompatible host platform IOMMU type %u' })),
  broken('get-cap-hints-dropped', "passes get_cap's error on without its hints", 'table-equivalence', seedChecker('hints', { dropGetCapHints: true })),
  broken('aw-bits-ge', 'refuses equal aw-bits (>= for >)', 'table-equivalence', seedChecker('ge', { awCompare: '>=' })),
  broken('message-typo', 'one character wrong in the IOMMUFD message', 'table-equivalence', seedChecker('typo', { messages: { iommufd: 'Need IOMMUFD backend when x-flts=0n' } })),
  broken('stub-without-hint', 'the stub forgets its hint', 'stub', seedChecker('stub', { stub: { hint: false } }, false)),
  broken('kconfig-mismatch', 'declares CONFIG_VTD_ACCEL=y but links the stub', 'kconfig', seedChecker('kc', { stub: { hint: true } }, true)),
  broken('throws', 'throws on some inputs', 'contract', {
    ...correct,
    name: 'throws',
    check: (s, d) => {
      if (d.pci.bus === 3 && (d.caps.hwCaps & 1n) === 1n) throw new TypeError("Cannot read properties of undefined (reading 'cap_reg')");
      return correct.check(s, d);
    },
  }),
  broken('nondeterministic', 'answers differently now and then', 'contract', {
    ...correct,
    name: 'flaky',
    check: (s, d) => (++calls % 5 === 0 ? { ok: true } : correct.check(s, d)),
  }),
  broken('mutates-input', 'records the device in the guest state it was given', 'contract', {
    ...correct,
    name: 'mutates',
    check: (s, d) => {
      const outcome = correct.check(s, d);
      if (outcome.ok) (s.attached as { bus: number; devfn: number }[]).push({ bus: d.pci.bus, devfn: d.pci.devfn });
      return outcome;
    },
  }),
  broken('never-returns', 'loops forever on some inputs', 'contract', { module: new URL('./never-returns.ts', import.meta.url), export: 'plugin' }),
];
