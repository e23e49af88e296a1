// The deliberately broken Kconfig resolvers, each with the one fault it plants and the resolver property meant to catch it.
import { KconfigBuilder, computeConfig, exprToString, type KconfigClause, type KconfigExpr, type KconfigResolution, type KconfigResolverInput, type KconfigResolverPlugin } from '@hiodkit/core';
import type { ResolverPropertyId } from '../../src/index.js';

export interface BrokenResolver {
  readonly id: string;
  readonly fault: string;
  readonly caughtBy: ResolverPropertyId;
  readonly resolver: KconfigResolverPlugin;
}

/** Where a resolver may go wrong; a resolver with none of them is minikconf. */
interface Faults {
  /** reads the rules as this text instead */
  readonly rewrite?: (rules: string) => string;
  /** never sees clauses of this kind */
  readonly drop?: KconfigClause['kind'];
  readonly ignoreSwitch?: boolean;
  readonly ignoreMak?: boolean;
  readonly ignoreHost?: boolean;
  /** answers a contradiction with every symbol n */
  readonly missContradiction?: boolean;
}

/** minikconf (the core port's builder and solver) with the faults planted. */
export function faultyResolver(name: string, faults: Faults): KconfigResolverPlugin {
  return {
    kind: 'kconfig-resolver',
    name,
    resolve(input: KconfigResolverInput): KconfigResolution {
      const builder = new KconfigBuilder();
      if (!faults.ignoreMak) for (const [symbol, value] of Object.entries(input.mak)) builder.assign(symbol, value);
      if (!faults.ignoreHost) for (const [symbol, value] of Object.entries(input.host)) if (value) builder.assign(symbol, true);
      builder.parse(faults.rewrite ? faults.rewrite(input.rules) : input.rules);
      const parsed = builder.data();
      const data = faults.drop === undefined ? parsed : { ...parsed, clauses: parsed.clauses.filter((c) => c.kind !== faults.drop) };
      const result = computeConfig(data, input.defaultDevices || faults.ignoreSwitch ? 'defconfig' : 'allnoconfig');
      if (result.ok) return { ok: true, values: { ...result.values } };
      if (faults.missContradiction && result.error.message.startsWith('contradiction')) return { ok: true, values: Object.fromEntries(data.referenced.map((v) => [v, false])) };
      return { ok: false, error: { message: result.error.message } };
    },
  };
}

/** An expression read the way C reads it, `&&` binding tighter than `||`, printed fully parenthesized for minikconf. */
function cPrecedence(text: string): string {
  const tokens = text.match(/&&|\|\||[!()]|[A-Za-z0-9_]+/g) ?? [];
  let pos = 0;
  const unary = (): KconfigExpr => {
    const t = tokens[pos++] as string;
    if (t === '!') return { op: 'not', arg: unary() };
    if (t === '(') {
      const e = or();
      pos++;
      return e;
    }
    return { op: 'var', name: t };
  };
  const and = (): KconfigExpr => {
    let lhs = unary();
    while (tokens[pos] === '&&') {
      pos++;
      lhs = { op: 'and', lhs, rhs: unary() };
    }
    return lhs;
  };
  const or = (): KconfigExpr => {
    let lhs = and();
    while (tokens[pos] === '||') {
      pos++;
      lhs = { op: 'or', lhs, rhs: and() };
    }
    return lhs;
  };
  return exprToString(or());
}

const EXPRESSION_LINE = /^(\s*depends on |\s*(?:select|imply)\s+\w+\s+if |\s*default [yn] if )(.*)$/gm;

function correct(name: string): KconfigResolverPlugin {
  return faultyResolver(name, {});
}

let flakyCalls = 0;

export const BROKEN_RESOLVERS: readonly BrokenResolver[] = [
  { id: 'imply-as-select', fault: 'treats imply as select', caughtBy: 'kconfig-resolver/seed-builds', resolver: faultyResolver('imply-select', { rewrite: (r) => r.replace(/\bimply\b/g, 'select') }) },
  { id: 'allnoconfig-ignored', fault: 'resolves --without-default-devices builds as defconfig', caughtBy: 'kconfig-resolver/seed-builds', resolver: faultyResolver('defconfig-always', { ignoreSwitch: true }) },
  { id: 'contradiction-missed', fault: 'answers a contradiction with values instead of the error', caughtBy: 'kconfig-resolver/seed-builds', resolver: faultyResolver('no-contradiction', { missContradiction: true }) },
  { id: 'depends-ignored', fault: 'ignores depends on', caughtBy: 'kconfig-resolver/generated-builds', resolver: faultyResolver('no-depends', { drop: 'depends' }) },
  { id: 'mak-ignored', fault: 'ignores the .mak assignments', caughtBy: 'kconfig-resolver/generated-builds', resolver: faultyResolver('no-mak', { ignoreMak: true }) },
  { id: 'host-ignored', fault: 'ignores the host symbols', caughtBy: 'kconfig-resolver/generated-builds', resolver: faultyResolver('no-host', { ignoreHost: true }) },
  { id: 'c-precedence', fault: 'binds && tighter than || (as C does), not as minikconf', caughtBy: 'kconfig-resolver/generated-rules', resolver: faultyResolver('c-precedence', { rewrite: (r) => r.replace(EXPRESSION_LINE, (_m, head: string, expr: string) => `${head}${cPrecedence(expr)}`) }) },
  { id: 'select-if-ignored', fault: 'selects even when the select’s if condition is false', caughtBy: 'kconfig-resolver/generated-rules', resolver: faultyResolver('select-always', { rewrite: (r) => r.replace(/^(\s*select\s+\w+)\s+if\s+.*$/gm, '$1') }) },
  {
    id: 'false-symbols-omitted',
    fault: 'leaves out the symbols that resolve to n',
    caughtBy: 'kconfig-resolver/contract',
    resolver: {
      ...correct('only-y'),
      resolve(input) {
        const r = correct('only-y').resolve(input);
        return r.ok ? { ok: true, values: Object.fromEntries(Object.entries(r.values).filter(([, v]) => v)) } : r;
      },
    },
  },
  {
    id: 'nondeterministic',
    fault: 'flips a value now and then',
    caughtBy: 'kconfig-resolver/contract',
    resolver: {
      ...correct('flaky'),
      resolve(input) {
        const r = correct('flaky').resolve(input);
        const first = r.ok ? Object.keys(r.values)[0] : undefined;
        return r.ok && first !== undefined && ++flakyCalls % 5 === 0 ? { ok: true, values: { ...r.values, [first]: !r.values[first] } } : r;
      },
    },
  },
  {
    id: 'mutates-input',
    fault: 'records the resolved values in the .mak assignments it was given',
    caughtBy: 'kconfig-resolver/contract',
    resolver: {
      ...correct('mutates'),
      resolve(input) {
        const r = correct('mutates').resolve(input);
        if (r.ok) Object.assign(input.mak as Record<string, boolean>, r.values);
        return r;
      },
    },
  },
];
