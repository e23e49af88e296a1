import fc from 'fast-check';
import { SEED_KCONFIG, type KconfigExpr, type KconfigResolverInput } from '@hiodkit/core';

/** One clause under a `config` entry, as written in a Kconfig file. */
export type RuleClause =
  | { readonly kind: 'depends'; readonly expr: KconfigExpr }
  | { readonly kind: 'select' | 'imply'; readonly target: string; readonly cond: KconfigExpr | null }
  | { readonly kind: 'default'; readonly value: boolean; readonly cond: KconfigExpr | null };

/** A generated Kconfig file: config entries and CONFIG_ lines, written in this order. */
export interface RuleSet {
  readonly configs: readonly { readonly name: string; readonly clauses: readonly RuleClause[] }[];
  readonly assignments: readonly { readonly symbol: string; readonly value: boolean }[];
}

const SYMBOLS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** A symbol no rule declares: minikconf refuses a .mak line naming it. */
export const UNDECLARED_SYMBOL = 'UNDECLARED';
export const SEED_SYMBOLS = ['LINUX', 'VFIO', 'IOMMUFD', 'X86_IOMMU', 'VTD', 'VTD_ACCEL'] as const;

/** minikconf's grammar: `||` binds tighter than `&&`, both left-associative; parentheses only where that grammar needs them. */
export function exprText(e: KconfigExpr): string {
  const operand = (x: KconfigExpr, parent: 'and' | 'or', right: boolean): string => {
    const text = exprText(x);
    if (x.op === 'and' && (parent === 'or' || right)) return `(${text})`;
    if (x.op === 'or' && parent === 'or' && right) return `(${text})`;
    return text;
  };
  switch (e.op) {
    case 'var':
      return e.name;
    case 'not':
      return e.arg.op === 'var' || e.arg.op === 'not' ? `!${exprText(e.arg)}` : `!(${exprText(e.arg)})`;
    case 'and':
      return `${operand(e.lhs, 'and', false)} && ${operand(e.rhs, 'and', true)}`;
    case 'or':
      return `${operand(e.lhs, 'or', false)} || ${operand(e.rhs, 'or', true)}`;
  }
}

const condText = (cond: KconfigExpr | null): string => (cond === null ? '' : ` if ${exprText(cond)}`);

function clauseText(c: RuleClause): string {
  switch (c.kind) {
    case 'depends':
      return `depends on ${exprText(c.expr)}`;
    case 'select':
    case 'imply':
      return `${c.kind} ${c.target}${condText(c.cond)}`;
    case 'default':
      return `default ${c.value ? 'y' : 'n'}${condText(c.cond)}`;
  }
}

/** The rule set as Kconfig text: one clause a line, as QEMU's files are written. */
export function ruleSetText(rules: RuleSet): string {
  const lines: string[] = [];
  for (const config of rules.configs) {
    lines.push(`config ${config.name}`, '    bool');
    for (const c of config.clauses) lines.push(`    ${clauseText(c)}`);
    lines.push('');
  }
  for (const a of rules.assignments) lines.push(`CONFIG_${a.symbol}=${a.value ? 'y' : 'n'}`);
  return `${lines.join('\n')}\n`;
}

/** Expressions over `vars`, mixing `&&`, `||` and `!` without parentheses where minikconf's grammar allows. */
export function exprArb(vars: readonly string[]): fc.Arbitrary<KconfigExpr> {
  const leaf = fc.constantFrom(...vars).map((name): KconfigExpr => ({ op: 'var', name }));
  const { expr } = fc.letrec<{ expr: KconfigExpr }>((tie) => ({
    expr: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'kconfig-expr' },
      { weight: 3, arbitrary: leaf },
      { weight: 1, arbitrary: tie('expr').map((arg): KconfigExpr => ({ op: 'not', arg })) },
      { weight: 3, arbitrary: fc.tuple(fc.constantFrom('and' as const, 'or' as const), tie('expr'), tie('expr')).map(([op, lhs, rhs]): KconfigExpr => ({ op, lhs, rhs })) },
    ),
  }));
  // `a || b && c` and `a && b || c` as often as the rest: where minikconf's precedence and C's part
  const literal = fc.tuple(fc.boolean(), fc.constantFrom(...vars)).map(([negated, name]): KconfigExpr => (negated ? { op: 'not', arg: { op: 'var', name } } : { op: 'var', name }));
  const mixed = fc.tuple(literal, literal, literal, fc.boolean()).map(([a, b, c, orFirst]): KconfigExpr =>
    orFirst ? { op: 'and', lhs: { op: 'or', lhs: a, rhs: b }, rhs: c } : { op: 'and', lhs: a, rhs: { op: 'or', lhs: b, rhs: c } },
  );
  return fc.oneof(expr, mixed);
}

/**
 * Rule sets of 3 to 6 symbols whose edges all run from a symbol to a later one, so minikconf finds no cycle:
 * a symbol depends on and defaults by earlier ones, and selects or implies later ones under conditions on
 * itself and earlier ones. Contradictions (a select against a depends, a CONFIG_ line against either) come freely.
 */
export function ruleSetArb(): fc.Arbitrary<RuleSet> {
  return fc.integer({ min: 3, max: SYMBOLS.length }).chain((n) => {
    const names = SYMBOLS.slice(0, n);
    const optionalCond = (vars: readonly string[]) => (vars.length === 0 ? fc.constant(null) : fc.option(exprArb(vars), { freq: 2 }));
    const clauseArb = (i: number): fc.Arbitrary<RuleClause> => {
      const earlier = names.slice(0, i);
      const upTo = names.slice(0, i + 1);
      const later = names.slice(i + 1);
      const options: fc.Arbitrary<RuleClause>[] = [fc.record({ kind: fc.constant('default' as const), value: fc.boolean(), cond: optionalCond(earlier) })];
      if (earlier.length > 0) options.push(exprArb(earlier).map((expr): RuleClause => ({ kind: 'depends', expr })));
      if (later.length > 0) {
        const kinds = fc.constantFrom('select' as const, 'imply' as const);
        options.push(fc.record({ kind: kinds, target: fc.constantFrom(...later), cond: optionalCond(upTo) }));
        options.push(fc.record({ kind: kinds, target: fc.constantFrom(...later), cond: optionalCond(upTo) }));
      }
      return fc.oneof(...options);
    };
    const configs = fc.tuple(...names.map((name, i) => fc.array(clauseArb(i), { maxLength: 3 }).map((clauses) => ({ name, clauses }))));
    const assignments = fc.uniqueArray(fc.record({ symbol: fc.constantFrom(...names), value: fc.boolean() }), { selector: (a) => a.symbol, maxLength: 1 });
    return fc.record({ configs, assignments });
  });
}

/** Assignments to some of `names`, in a generated order, each y or n. */
function assignmentsArb(names: readonly string[], maxLength: number): fc.Arbitrary<Record<string, boolean>> {
  return fc.uniqueArray(fc.tuple(fc.constantFrom(...names), fc.boolean()), { selector: ([name]) => name, maxLength }).map((pairs) => Object.fromEntries(pairs));
}

/**
 * A build's .mak lines, host symbols and default-devices switch over the rules' symbols, at most `maxMak`
 * .mak lines; with `undeclared`, now and then a .mak line names a symbol no rule declares.
 */
export function buildInputArb(rules: string, declared: readonly string[], options: { readonly maxMak: number; readonly undeclared: boolean; readonly host?: fc.Arbitrary<Record<string, boolean>> }): fc.Arbitrary<KconfigResolverInput> {
  const makNames = options.undeclared ? fc.oneof({ weight: 9, arbitrary: fc.constant(declared) }, { weight: 1, arbitrary: fc.constant([...declared, UNDECLARED_SYMBOL]) }) : fc.constant(declared);
  return fc.record({
    rules: fc.constant(rules),
    host: options.host ?? assignmentsArb(declared, 1),
    mak: makNames.chain((m) => assignmentsArb(m, options.maxMak)),
    defaultDevices: fc.boolean(),
  });
}

/** Generated .mak files and host symbols over the seed's rules. */
export const seedRulesBuildArb = (): fc.Arbitrary<KconfigResolverInput> => buildInputArb(SEED_KCONFIG, SEED_SYMBOLS, {
    maxMak: SEED_SYMBOLS.length + 1,
    undeclared: true,
    // Kconfig.host's LINUX as meson passes it: set on a Linux host, absent elsewhere; a Linux host is the common case
    host: fc.oneof({ weight: 3, arbitrary: fc.constant({ LINUX: true }) }, { weight: 1, arbitrary: fc.constantFrom({}, { LINUX: false }) }),
  });

/** Generated rule sets, each with a few generated .mak lines and host symbols over its symbols. */
export const generatedRulesBuildArb = (): fc.Arbitrary<KconfigResolverInput> =>
  ruleSetArb().chain((rules) => buildInputArb(ruleSetText(rules), rules.configs.map((c) => c.name), { maxMak: 2, undeclared: false }));
