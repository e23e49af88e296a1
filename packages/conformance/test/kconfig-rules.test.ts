import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KconfigBuilder, exprToString, minikconfResolution, type KconfigExpr } from '@hiodkit/core';
import { exprArb, exprText, generatedRulesBuildArb, ruleSetArb, ruleSetText, seedRulesBuildArb } from '../src/index.js';

/** The expression minikconf parses from `depends on TEXT`. */
function parsed(text: string): KconfigExpr {
  const clause = new KconfigBuilder().parse(`config A\nconfig B\nconfig C\nconfig X\n  depends on ${text}\n`).data().clauses.find((c) => c.kind === 'depends');
  if (clause?.kind !== 'depends') throw new Error('no depends clause');
  return clause.expr;
}

describe('the generated Kconfig rule sets', () => {
  it('write each expression so that minikconf parses it back to the same tree (|| binding tighter than &&)', () => {
    fc.assert(fc.property(exprArb(['A', 'B', 'C']), (e) => {
          expect(exprToString(parsed(exprText(e)))).toBe(exprToString(e));
        }), { seed: 7, numRuns: 300 });
  });

  it('leave out the parentheses minikconf does not need, and keep those it does', () => {
    const v = (name: string): KconfigExpr => ({ op: 'var', name });
    expect(exprText({ op: 'and', lhs: { op: 'or', lhs: v('A'), rhs: v('B') }, rhs: v('C') })).toBe('A || B && C');
    expect(exprText({ op: 'or', lhs: { op: 'and', lhs: v('A'), rhs: v('B') }, rhs: v('C') })).toBe('(A && B) || C');
    expect(exprText({ op: 'not', arg: { op: 'or', lhs: v('A'), rhs: v('B') } })).toBe('!(A || B)');
  });

  it('always parse, never make minikconf find a cycle, and give both values and contradictions', () => {
    const results = fc.sample(generatedRulesBuildArb(), { seed: 7, numRuns: 300 }).map(minikconfResolution);
    expect(results.filter((r) => !r.ok && r.error.message.startsWith('cycle'))).toEqual([]);
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(150);
    expect(results.filter((r) => !r.ok && r.error.message.startsWith('contradiction')).length).toBeGreaterThan(20);
  });

  it('use every clause kind, an if condition, and CONFIG_ lines in the rules themselves', () => {
    const texts = fc.sample(ruleSetArb(), { seed: 7, numRuns: 200 }).map(ruleSetText).join('\n');
    for (const needle of [/depends on/, /^ {4}select \w+$/m, /select \w+ if /, /imply \w+ if /, /default y if /, /default n/, /^CONFIG_\w+=[yn]$/m, /!/]) expect(texts).toMatch(needle);
  });

  it('over the seed rules, sometimes name a symbol no rule declares, which minikconf refuses', () => {
    const results = fc.sample(seedRulesBuildArb(), { seed: 7, numRuns: 300 }).map(minikconfResolution);
    expect(results.some((r) => !r.ok && r.error.message === 'there were undefined symbols')).toBe(true);
    expect(results.some((r) => r.ok && r.values['VTD_ACCEL'] === true)).toBe(true);
  });
});
