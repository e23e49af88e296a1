// Batching for plugins that can take several cases at once (a plugin process: invokeBatch). Before
// fast-check runs a property, the kit lists the cases the property will ask for (the same values
// fast-check generates for the same seed, by fc.sample) and sends them to the plugin in batches as
// the property reaches them. A call the property makes takes its answer from the batch when one is
// there for that case, else it is an ordinary call: shrinking, replays and any case that was not
// foreseen call the plugin one case at a time, so the property, its seed, path and shrinking are
// exactly those of a per-case run.
//
// Only outcomes are kept. A batch's timeout or crash is charged to every request outstanding at the
// time, not only to the one that caused it, so such a result is dropped and the case is asked again
// on its own when the property reaches it: the failure a report names is always that of a single
// call of that case. Each answer is used once, so a property asking for a case twice (contract's
// determinism) gets two answers the plugin gave to two requests.
import type { Invocation } from '../plugins/invocation.js';
import type { Case } from '../oracle/predicates.js';
import { caseToJson } from '../plugins/wire.js';

/** Cases per batch: a property that fails early wastes at most this many calls. */
export const BATCH_SIZE = 64;

type Answer = Extract<Invocation, { kind: 'outcome' }>;

const keyOf = (c: Case): string => JSON.stringify(caseToJson(c));

/** Answers the plugin gave to cases sent ahead of the property, each used at most once. */
export class PrefetchedAnswers {
  private readonly planned: string[] = [];
  private readonly cases: Case[] = [];
  /** how many planned cases were sent */
  private sent = 0;
  /** planned but not yet sent, by key: how many times */
  private readonly unsent = new Map<string, number>();
  private readonly ready = new Map<string, Answer[]>();
  /** plugin calls made by batches (answers used or not) */
  batchedCalls = 0;
  /** answers the property took from a batch */
  hits = 0;

  constructor(
    private readonly invokeBatch: (cases: readonly Case[]) => Invocation[],
    planned: readonly Case[],
    private readonly batchSize = BATCH_SIZE,
  ) {
    for (const c of planned) {
      const key = keyOf(c);
      this.planned.push(key);
      this.cases.push(c);
      this.unsent.set(key, (this.unsent.get(key) ?? 0) + 1);
    }
  }

  /** The plugin's answer to this case from a batch, sending batches up to it if it is planned; undefined: call the plugin. */
  take(c: Case): Answer | undefined {
    const key = keyOf(c);
    for (;;) {
      const queue = this.ready.get(key);
      const answer = queue?.shift();
      if (answer !== undefined) {
        if (queue?.length === 0) this.ready.delete(key);
        this.hits++;
        return answer;
      }
      if ((this.unsent.get(key) ?? 0) === 0) return undefined;
      this.sendNext();
    }
  }

  private sendNext(): void {
    const from = this.sent;
    const to = Math.min(this.planned.length, from + this.batchSize);
    this.sent = to;
    const batch = this.cases.slice(from, to);
    const results = this.invokeBatch(batch);
    this.batchedCalls += batch.length;
    for (let i = from; i < to; i++) {
      const key = this.planned[i] as string;
      const left = (this.unsent.get(key) ?? 1) - 1;
      if (left === 0) this.unsent.delete(key);
      else this.unsent.set(key, left);
      const result = results[i - from];
      // anything but an outcome may belong to another request of the batch: asked again alone
      if (result?.kind !== 'outcome') continue;
      const queue = this.ready.get(key);
      if (queue) queue.push(result);
      else this.ready.set(key, [result]);
    }
  }
}
