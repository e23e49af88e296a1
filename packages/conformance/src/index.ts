export { accelCaseArb, defaultCaseArb, freeCaseArb, reachableRows, rowCaseArb, rowTargets } from './arbitraries/cases.js';
export { canonicalCase } from './arbitraries/canonical.js';
export { guestPropsArb, invalidGuestPropsArb } from './arbitraries/guest.js';
export { awBitsAnswer, awBitsChoiceArb, hostDeviceDraftArb, pciPlacementArb, type AwBitsChoice, type DeviceDraft } from './arbitraries/host-device.js';
export { hwInfoTypeArb } from './arbitraries/hw-info-type.js';
export { PCI_TOPOLOGY_MAX_BRIDGES, PCI_TOPOLOGY_MAX_DEPTH, pciTopologySampleArb, topologyPlacementArb, type PciTopologySample } from './arbitraries/pci-topology.js';
export { TYPE_KIT_IOMMUFD_SUBTYPE, TYPE_KIT_UNKNOWN, kitTypeRegistry, qomObjectArb } from './arbitraries/qom-types.js';
export { SPECIAL_U64, capRegArb, ecapRegArb, fs1gpRoundingArb, onesRunArb, u64Arb } from './arbitraries/registers.js';
export { checkProperty, openSession, type ConformanceSession } from './run/check-property.js';
export { formatFailure, formatReport, replayAsOptions, type ReplayFormatter, type ReplayRef, type ReportStyle } from './run/format-report.js';
export { TERMINAL_TEXT_MAX, terminalText } from './run/terminal-text.js';
export {
  describeFailedInvocation,
  inProcessPlugin,
  judgeReturned,
  type Invocation,
  type PluginHandle,
  type PluginWithKnownFailures,
} from './plugins/invocation.js';
export { duplicateKey, numberLiteral, type JsonPathSegment } from './plugins/json-text.js';
export { isolatedPlugin, isolatedResolver, moduleHref, openIsolatedModule, type IsolatedModule, type IsolationOptions } from './plugins/isolate.js';
export { handleOfKind, type OpenedPlugin } from './plugins/plugin-kind.js';
export { buildCombinations, buildsLinking, type BuildCombination } from './oracle/kconfig-builds.js';
export { EXPECTATION_FIELDS, constantExpectationFields, type ExpectationField } from './oracle/expectation-fields.js';
export { getCapErrorArb, getCapErrors } from './arbitraries/get-cap-error.js';
export { cloneCase, clonePlainData, firstDifference, renderValue, sameCase } from './plugins/plain-data.js';
export { PluginLoadError, pickPlugin, pluginShapeProblems, type PluginModule } from './plugins/plugin-module.js';
export { PREDICATE_NAMES, PREDICATE_VALUES, classifyCase, type Assignment, type Case, type PredicateName, type PredicateValue } from './oracle/predicates.js';
export {
  adoptProcessGroupRegistry,
  createProcessGroupRegistry,
  endAllGroups,
  processGroupRegistry,
  type ProcessGroupRegistry,
} from './plugins/process-groups.js';
export {
  describeCommand,
  openProcessPlugin,
  processPlugin,
  processResolver,
  type ProcessCommand,
  type ProcessPluginHandle,
  type ProcessPluginOf,
  type ProcessPluginOptions,
  type ProcessResolverHandle,
} from './plugins/process-plugin.js';
export { workerFromModule } from './plugins/worker-bridge.js';
export {
  KIT_HELLO,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOLS,
  decodeAnswer,
  decodeHello,
  decodeResolutionAnswer,
  encodeKconfigRequest,
  encodeRequest,
  helloKind,
  type CheckerHello,
  type DecodedAnswer,
  type DecodedResolution,
  type PluginHello,
  type PluginKind,
  type ResolverHello,
} from './plugins/protocol.js';
export { PROPERTY_SPECS } from './properties/catalog.js';
export { contract } from './properties/contract.js';
export { FIRST_STAGE_REJECTION, finalRejection } from './properties/final-rejection.js';
export { kconfig } from './properties/kconfig.js';
export { breakHidesLater, firstFailure, repairExposesNext } from './properties/precedence.js';
export { PROPERTY_IDS, Violation, isPropertyId, type CallCounts, type PropertyContext, type PropertyId, type PropertySpec } from './properties/property.js';
export { STUB_HINT, STUB_MESSAGE, stub } from './properties/stub.js';
export { tableEquivalence } from './properties/table-equivalence.js';
export { KitError, realize } from './oracle/realize.js';
export {
  ReferenceTableError,
  attributeOutcome,
  completenessProblems,
  expectedOutcome,
  loadReferenceTable,
  parseReferenceTable,
  referenceTableUrl,
  rowFor,
  type Expectation,
  type ReferenceRow,
  type ReferenceTable,
} from './oracle/reference.js';
export type { ConformanceReport, PropertyFailure, PropertyResult, PropertyStatus, RowCoverage } from './run/report.js';
export { conformanceRun, type ConformanceRun, type RunInfo } from './run/run-document.js';
export { ConformanceConfigError } from './run/config-error.js';
export { DEFAULT_CI_SEED, SEED_MAX, SEED_MIN, defaultSeed, openPlugin, runConformance, type ConformanceOptions, type PluginInput, type ProgressEvent } from './run/runner.js';
export { causeOf, runProperty, type PropertyRun } from './run/run-property.js';
export { parseKnownFailureOption, resolveKnownFailures, type Counterexample, type KnownFailure } from './run/known-failure.js';
export { MAX_PATH_STEPS, PATH_FORM, checkReplayPath } from './run/replay-path.js';
export { withDefaultFastCheckSettings } from './run/fast-check-settings.js';
export { knownFailureProperty, type KnownFailureEntry } from './plugins/known-failures.js';
export { SCHEMA_FILES, formatSchemaErrors, schemaProblems, schemaUrl, validatorFor, type SchemaFile } from './schemas.js';
export { KIT_NAME, KIT_VERSION } from './version.js';
export { caseFromJson, caseToJson, describeOutcome, outcomeProblems, sameOutcome, type CaseJson } from './plugins/wire.js';
export { buildInputArb, exprArb, exprText, generatedRulesBuildArb, ruleSetArb, ruleSetText, seedRulesBuildArb, SEED_SYMBOLS, UNDECLARED_SYMBOL, type RuleClause, type RuleSet } from './arbitraries/kconfig-rules.js';
export {
  copyResolution,
  describeFailedResolverCall,
  inProcessResolver,
  inputMutation,
  isResolverPlugin,
  judgeResolution,
  resolutionProblems,
  resolverShapeProblems,
  type FailedCall,
  type ResolverHandle,
  type ResolverInvocation,
} from './plugins/resolver-invocation.js';
export { RESOLVER_PROPERTY_SPECS } from './properties/kconfig-resolver/catalog.js';
export { resolverContract } from './properties/kconfig-resolver/contract.js';
export { generatedBuilds } from './properties/kconfig-resolver/generated-builds.js';
export { generatedRules } from './properties/kconfig-resolver/generated-rules.js';
export { seedBuildInputs, seedBuilds } from './properties/kconfig-resolver/seed-builds.js';
export {
  RESOLVER_PROPERTY_IDS,
  isResolverPropertyId,
  type LabelledInput,
  type ResolverContext,
  type ResolverPropertyId,
  type ResolverPropertySpec,
} from './properties/kconfig-resolver/resolver-property.js';
export { openResolver, runResolverConformance, runResolverProperty, type ResolverConformanceOptions, type ResolverInput, type ResolverProgressEvent } from './run/resolver-runner.js';
export { formatResolverFailure, formatResolverReport } from './run/format-resolver-report.js';
export type { ResolverPropertyFailure, ResolverPropertyResult, ResolverReport } from './run/resolver-report.js';
