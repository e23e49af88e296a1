import fc from 'fast-check';
import type { Outcome, PluginDeclaration, ProfileId } from '@hiodkit/core';
import { confirmedTimeout, describeFailedInvocation, type Invocation, type PluginHandle } from '../plugins/invocation.js';
import { classifyCase, type Assignment, type Case } from '../oracle/predicates.js';
import { attributeOutcome, rowFor, type ReferenceRow, type ReferenceTable } from '../oracle/reference.js';
import { describeOutcome } from '../plugins/wire.js';
import type { PrefetchedAnswers } from '../run/prefetch.js';

export const PROPERTY_IDS = [
  'contract',
  'table-equivalence',
  'precedence/first-failure',
  'precedence/repair-exposes-next',
  'precedence/break-hides-later',
  'final-rejection',
  'stub',
  'kconfig',
] as const;
export type PropertyId = (typeof PROPERTY_IDS)[number];

export function isPropertyId(value: unknown): value is PropertyId {
  return typeof value === 'string' && (PROPERTY_IDS as readonly string[]).includes(value);
}

/** What a property needs to judge one plugin. */
export interface PropertyContext extends CallCounts {
  readonly profile: ProfileId;
  readonly table: ReferenceTable;
  readonly plugin: PluginHandle;
  readonly declaration: PluginDeclaration;
  /** Cases classified per row by table-equivalence. */
  readonly rowHits: Map<string, number>;
  /** Answers sent ahead in batches for the current property run (plugins with invokeBatch; see run/prefetch.ts). */
  answers?: PrefetchedAnswers | undefined;
}

/** A labelled case in a counterexample (a metamorphic property shows both cases). */
export interface LabelledCase {
  readonly label: string;
  readonly case: Case;
}

/** Why a property failed on a case: thrown from a property's check and put in the report. */
export class Violation extends Error {
  override readonly name = 'Violation';
  constructor(
    readonly summary: string,
    readonly detail: {
      readonly expected?: string;
      readonly actual?: string;
      readonly row?: ReferenceRow;
      readonly predicates?: Assignment;
      readonly cases?: readonly LabelledCase[];
      /** What the plugin threw, when it threw: shown with its stack where the failure is shown. */
      readonly cause?: unknown;
    } = {},
  ) {
    super(summary);
  }
}

export interface PropertySpec<T> {
  readonly id: PropertyId;
  readonly title: string;
  /** Why the property does not apply to this plugin, or undefined when it does. */
  notApplicable(ctx: PropertyContext): string | undefined;
  arbitrary(ctx: PropertyContext): fc.Arbitrary<T>;
  /** Fixed inputs run before the generated ones, every time. */
  examples?(ctx: PropertyContext): T[];
  /** Throws a Violation when the plugin breaks the property on this input. */
  check(ctx: PropertyContext, value: T): void;
  /** The case(s) to show for a counterexample. */
  cases(value: T): LabelledCase[];
  /** The property's input for one case, when its input is a case: a known failure may then be recorded as that case. */
  fromCase?(c: Case): T;
  /**
   * The cases check() asks the plugin for on this input, in order, as far as they do not depend on
   * its answers: sent ahead in batches to a plugin that takes them (see run/prefetch.ts). A case
   * missing here is still asked, one call at a time.
   */
  batchCases?(ctx: PropertyContext, value: T): Case[];
}

/** What a property run counts of its calls (a checker's or a resolver's context). */
export interface CallCounts {
  /** Calls made to the plugin in the current property run. */
  calls: number;
  /** Calls that timed out or crashed the plugin (each costs it a restart) in the current property run. */
  timeouts: number;
  /** Timeouts and crashes tolerated after the first one: past them, shrinking stops calling the plugin. */
  readonly timeoutBudget: number;
}

/**
 * One call a property makes, for either plugin kind: once the run's timeouts and crashes pass its
 * budget, shrinking stops calling (fc.pre); a late answer is asked for again (confirmedTimeout); a
 * timeout or a crash, each of which costs the plugin a restart, is counted.
 */
export function countedCall<T extends { readonly kind: string; readonly hung?: true }>(ctx: CallCounts, first: () => T, again: () => T): T {
  if (ctx.timeouts > ctx.timeoutBudget) fc.pre(false);
  ctx.calls++;
  const inv = confirmedTimeout(first(), () => {
    ctx.calls++;
    return again();
  });
  // a plugin that hangs or crashes on every case would otherwise be restarted for each shrinking step
  if (inv.kind === 'timeout' || inv.kind === 'crashed') ctx.timeouts++;
  return inv;
}

/** Calls the plugin and insists on an Outcome (with any mutation noted); anything else is a violation of every property. */
export function invocationOf(ctx: PropertyContext, c: Case): Extract<Invocation, { kind: 'outcome' }> {
  const inv = countedCall(ctx, () => ctx.answers?.take(c) ?? ctx.plugin.invoke(c), () => ctx.plugin.invoke(c));
  if (inv.kind === 'outcome') return inv;
  throw new Violation(`the plugin ${describeFailedInvocation(inv)}`, inv.kind === 'threw' && inv.cause !== undefined ? { cause: inv.cause } : {});
}

/** The plugin's Outcome for a case (see invocationOf). */
export function outcomeOf(ctx: PropertyContext, c: Case): Outcome {
  return invocationOf(ctx, c).outcome;
}

/** The row a case falls in, by the kit's predicates. */
export function classifiedRow(ctx: PropertyContext, c: Case): { row: ReferenceRow; predicates: Assignment } {
  const predicates = classifyCase(c, ctx.declaration);
  return { row: rowFor(ctx.table, predicates), predicates };
}

/** The check an outcome comes from: a row ID, `accept`, or undefined when no row's message matches. */
export function attributedTo(ctx: PropertyContext, c: Case, outcome: Outcome): string | undefined {
  const a = attributeOutcome(ctx.table, c, outcome);
  if (!a) return undefined;
  return a.row === 'accept' ? 'accept' : a.row.id;
}

/** What a row stands for when compared with an attribution: its ID, or `accept` for accepting rows. */
export function rowKey(row: ReferenceRow): string {
  return 'accept' in row.expect ? 'accept' : row.id;
}

export function describeRow(row: ReferenceRow): string {
  return `${row.id} (${row.spec})`;
}

export { describeOutcome };
