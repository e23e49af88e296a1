import { contract } from './contract.js';
import { finalRejection } from './final-rejection.js';
import { kconfig } from './kconfig.js';
import { breakHidesLater, firstFailure, repairExposesNext } from './precedence.js';
import type { PropertySpec } from './property.js';
import { stub } from './stub.js';
import { tableEquivalence } from './table-equivalence.js';

/** Every property, in the order the kit runs and reports them. */
export const PROPERTY_SPECS: readonly PropertySpec<never>[] = [
  contract,
  tableEquivalence,
  firstFailure,
  repairExposesNext,
  breakHidesLater,
  finalRejection,
  stub,
  kconfig,
] as unknown as readonly PropertySpec<never>[];
