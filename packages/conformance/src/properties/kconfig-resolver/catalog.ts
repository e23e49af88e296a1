import { resolverContract } from './contract.js';
import { generatedBuilds } from './generated-builds.js';
import { generatedRules } from './generated-rules.js';
import type { ResolverPropertySpec } from './resolver-property.js';
import { seedBuilds } from './seed-builds.js';

/** Every resolver property, in the order the kit runs and reports them. */
export const RESOLVER_PROPERTY_SPECS: readonly ResolverPropertySpec[] = [resolverContract, seedBuilds, generatedBuilds, generatedRules];
