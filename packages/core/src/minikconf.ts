/**
 * QEMU's scripts/minikconf.py for bool symbols: its grammar (note `||` binds tighter than `&&`),
 * its clause priorities and its contradiction errors.
 */

export type KconfigExpr =
  | { readonly op: 'var'; readonly name: string }
  | { readonly op: 'not'; readonly arg: KconfigExpr }
  | { readonly op: 'and' | 'or'; readonly lhs: KconfigExpr; readonly rhs: KconfigExpr };

export type KconfigClause =
  | { readonly kind: 'assignment'; readonly dest: string; readonly value: boolean }
  | { readonly kind: 'depends'; readonly dest: string; readonly expr: KconfigExpr }
  | { readonly kind: 'select'; readonly dest: string; readonly cond: KconfigExpr }
  | { readonly kind: 'default'; readonly dest: string; readonly value: boolean; readonly cond: KconfigExpr | null };

/** minikconf's value manglers: meson passes --defconfig, or --allnoconfig for --without-default-devices. */
export type KconfigMode = 'defconfig' | 'allnoconfig' | 'allyesconfig';

export class KconfigSyntaxError extends Error {
  override readonly name = 'KconfigSyntaxError';
}

/** A parsed set of Kconfig files and assignments, in the order minikconf met them. */
export interface KconfigData {
  readonly declared: ReadonlySet<string>;
  /** every symbol, in the order it was first referenced (Python dict order) */
  readonly referenced: readonly string[];
  /** clauses in parse order; imply is already a default */
  readonly clauses: readonly KconfigClause[];
}

export function exprToString(e: KconfigExpr): string {
  switch (e.op) {
    case 'var':
      return e.name;
    case 'not':
      return `!${exprToString(e.arg)}`;
    case 'and':
      return `(${exprToString(e.lhs)} && ${exprToString(e.rhs)})`;
    case 'or':
      return `(${exprToString(e.lhs)} || ${exprToString(e.rhs)})`;
  }
}

/** The clause as minikconf prints it in a contradiction report. */
export function clauseToString(c: KconfigClause): string {
  const yn = (v: boolean) => (v ? 'y' : 'n');
  switch (c.kind) {
    case 'assignment':
      return `CONFIG_${c.dest}=${yn(c.value)}`;
    case 'depends':
      return `config ${c.dest} depends on ${exprToString(c.expr)}`;
    case 'select':
      return `select ${c.dest} if ${exprToString(c.cond)}`;
    case 'default':
      return c.cond === null ? `config ${c.dest} default ${yn(c.value)}` : `config ${c.dest} default ${yn(c.value)} if ${exprToString(c.cond)}`;
  }
}

type Token = { kind: 'id'; value: string; line: number } | { kind: 'punct' | 'kw'; value: string; line: number } | { kind: 'eof'; line: number };

const KEYWORDS = new Set(['depends', 'on', 'select', 'imply', 'config', 'default', 'bool', 'if', 'y', 'n']);

function tokenize(src: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (ch === '&' && src[i + 1] === '&') {
      tokens.push({ kind: 'punct', value: '&&', line });
      i += 2;
    } else if (ch === '|' && src[i + 1] === '|') {
      tokens.push({ kind: 'punct', value: '||', line });
      i += 2;
    } else if ('()=!'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, line });
      i++;
    } else if (/[A-Za-z0-9]/.test(ch)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j] as string)) j++;
      const word = src.slice(i, j);
      tokens.push(KEYWORDS.has(word) ? { kind: 'kw', value: word, line } : { kind: 'id', value: word, line });
      i = j;
    } else {
      throw new KconfigSyntaxError(`${file}:${line}: invalid input ${JSON.stringify(ch)}`);
    }
  }
  tokens.push({ kind: 'eof', line });
  return tokens;
}

/** Accumulates files and assignments like KconfigData/KconfigParser do. */
export class KconfigBuilder {
  readonly #declared = new Set<string>();
  readonly #referenced: string[] = [];
  readonly #clauses: KconfigClause[] = [];

  #ref(name: string): string {
    if (!this.#referenced.includes(name)) this.#referenced.push(name);
    return name;
  }

  /** An assignment `CONFIG_X=y|n`, as from a .mak line or meson's host symbols. */
  assign(symbol: string, value: boolean): this {
    this.#clauses.push({ kind: 'assignment', dest: this.#ref(symbol), value });
    return this;
  }

  /** Parses Kconfig text: config declarations and CONFIG_ assignments. */
  parse(src: string, file = 'Kconfig'): this {
    const tokens = tokenize(src, file);
    let pos = 0;
    const peek = () => tokens[pos] as Token;
    const fail = (what: string): never => {
      const t = peek();
      const before = t.kind === 'eof' ? 'end of file' : `"${t.value}"`;
      throw new KconfigSyntaxError(`${file}:${t.line}: ${what} before ${before}`);
    };
    const isKw = (kw: string) => peek().kind === 'kw' && (peek() as { value: string }).value === kw;
    const isPunct = (p: string) => peek().kind === 'punct' && (peek() as { value: string }).value === p;
    const variable = (): string => {
      const t = peek();
      if (t.kind !== 'id') return fail('Expected identifier');
      pos++;
      return this.#ref(t.value);
    };
    const primary = (): KconfigExpr => {
      if (isPunct('!')) {
        pos++;
        return { op: 'not', arg: primary() };
      }
      if (isPunct('(')) {
        pos++;
        const e = expr();
        if (!isPunct(')')) fail('Expected ")"');
        pos++;
        return e;
      }
      if (peek().kind === 'id') return { op: 'var', name: variable() };
      return fail('Expected "!" or "(" or identifier');
    };
    const disj = (): KconfigExpr => {
      let lhs = primary();
      while (isPunct('||')) {
        pos++;
        lhs = { op: 'or', lhs, rhs: primary() };
      }
      return lhs;
    };
    const expr = (): KconfigExpr => {
      let lhs = disj();
      while (isPunct('&&')) {
        pos++;
        lhs = { op: 'and', lhs, rhs: disj() };
      }
      return lhs;
    };
    const condition = (): KconfigExpr | null => {
      if (!isKw('if')) return null;
      pos++;
      return expr();
    };
    const yOrN = (): boolean => {
      if (isKw('y') || isKw('n')) return (tokens[pos++] as { value: string }).value === 'y';
      return fail('Expected "y" or "n"');
    };
    const and = (cond: KconfigExpr | null, v: string): KconfigExpr => (cond === null ? { op: 'var', name: v } : { op: 'and', lhs: cond, rhs: { op: 'var', name: v } });

    while (peek().kind !== 'eof') {
      if (isKw('config')) {
        pos++;
        const v = variable();
        // minikconf's "defined twice" test compares a Var with names and never fires; neither do we.
        this.#declared.add(v);
        for (;;) {
          if (isKw('bool')) pos++;
          else if (isKw('default')) {
            pos++;
            const value = yOrN();
            this.#clauses.push({ kind: 'default', dest: v, value, cond: condition() });
          } else if (isKw('depends')) {
            pos++;
            if (!isKw('on')) fail('Expected "on"');
            pos++;
            this.#clauses.push({ kind: 'depends', dest: v, expr: expr() });
          } else if (isKw('select')) {
            pos++;
            const target = variable();
            this.#clauses.push({ kind: 'select', dest: target, cond: and(condition(), v) });
          } else if (isKw('imply')) {
            pos++;
            const target = variable();
            // "config X imply Y [if COND]" is "config Y default y if X [&& COND]"
            this.#clauses.push({ kind: 'default', dest: target, value: true, cond: and(condition(), v) });
          } else break;
        }
        if (!(isKw('config') || peek().kind === 'id' || peek().kind === 'eof')) {
          fail('expected "source", "config", identifier, "default", "depends on", "imply" or "select"');
        }
      } else if (peek().kind === 'id') {
        const name = (peek() as { value: string }).value;
        if (!name.startsWith('CONFIG_')) fail('Expected identifier starting with "CONFIG_"');
        pos++;
        if (!isPunct('=')) fail('Expected "="');
        pos++;
        this.assign(name.slice('CONFIG_'.length), yOrN());
      } else {
        fail('expected "source", "config" or identifier');
      }
    }
    return this;
  }

  data(): KconfigData {
    return { declared: new Set(this.#declared), referenced: [...this.#referenced], clauses: [...this.#clauses] };
  }
}

/** What minikconf stops the build with. */
export interface KconfigError {
  readonly message: string;
  /** what it printed before raising: the clauses found for the symbol, or the undefined symbols */
  readonly details: readonly string[];
}

export type KconfigResult =
  | { readonly ok: true; readonly values: Readonly<Record<string, boolean>> }
  | { readonly ok: false; readonly error: KconfigError };

class Contradiction extends Error {
  constructor(readonly kconfigError: KconfigError) {
    super(kconfigError.message);
  }
}

/** KconfigData.compute_config(): defaults after assignments/depends/selects, in topological order. */
export function computeConfig(data: KconfigData, mode: KconfigMode = 'defconfig'): KconfigResult {
  const undefinedSymbols = data.referenced.filter((v) => !data.declared.has(v));
  if (undefinedSymbols.length > 0) {
    return { ok: false, error: { message: 'there were undefined symbols', details: undefinedSymbols.map((v) => `undefined symbol ${v}`) } };
  }
  const mangle = (v: boolean) => (mode === 'defconfig' ? v : mode === 'allyesconfig');
  const clauses: KconfigClause[] = data.clauses.map((c) => (c.kind === 'default' ? { ...c, value: mangle(c.value) } : c));

  // Edges run from each symbol an expression mentions to the clause's destination.
  const outgoing = new Map<string, Set<string>>(data.referenced.map((v) => [v, new Set<string>()]));
  const addEdges = (e: KconfigExpr, dest: string): void => {
    if (e.op === 'var') outgoing.get(e.name)?.add(dest);
    else if (e.op === 'not') addEdges(e.arg, dest);
    else {
      addEdges(e.lhs, dest);
      addEdges(e.rhs, dest);
    }
  };
  for (const c of clauses) {
    if (c.kind === 'depends') addEdges(c.expr, c.dest);
    else if (c.kind === 'select') addEdges(c.cond, c.dest);
    else if (c.kind === 'default' && c.cond !== null) addEdges(c.cond, c.dest);
  }

  const dfo = new Map<string, number>();
  const visited = new Set<string>();
  const dfs = (v: string): void => {
    if (visited.has(v)) return;
    visited.add(v);
    for (const w of outgoing.get(v) ?? []) dfs(w);
    dfo.set(v, dfo.size);
  };
  for (const v of data.referenced) {
    clauses.push({ kind: 'default', dest: v, value: mangle(false), cond: null });
    dfs(v);
  }
  const priority = (c: KconfigClause) => (c.kind === 'default' ? -1 : 0);
  const sorted = clauses
    .map((c, index) => ({ c, index }))
    .sort((a, b) => (dfo.get(b.c.dest) as number) - (dfo.get(a.c.dest) as number) || priority(b.c) - priority(a.c) || a.index - b.index)
    .map((x) => x.c);

  const values = new Map<string, boolean>();
  const history = new Map<string, KconfigClause[]>();
  const evaluate = (e: KconfigExpr): boolean => {
    switch (e.op) {
      case 'var': {
        const v = values.get(e.name);
        if (v === undefined) throw new Contradiction({ message: `cycle found including ${e.name}`, details: [] });
        return v;
      }
      case 'not':
        return !evaluate(e.arg);
      case 'and':
        return evaluate(e.lhs) && evaluate(e.rhs);
      case 'or':
        return evaluate(e.lhs) || evaluate(e.rhs);
    }
  };
  const setValue = (c: KconfigClause, value: boolean): void => {
    const seen = history.get(c.dest) ?? [];
    seen.push(c);
    history.set(c.dest, seen);
    const current = values.get(c.dest);
    if (current !== undefined && current !== value) {
      throw new Contradiction({
        message: `contradiction between clauses when setting ${c.dest}`,
        details: [`The following clauses were found for ${c.dest}`, ...seen.map((s) => `    ${clauseToString(s)}`)],
      });
    }
    values.set(c.dest, value);
  };
  try {
    for (const c of sorted) {
      if (c.kind === 'assignment') setValue(c, c.value);
      else if (c.kind === 'depends') {
        if (!evaluate(c.expr)) setValue(c, false);
      } else if (c.kind === 'select') {
        if (evaluate(c.cond)) setValue(c, true);
      } else if (!values.has(c.dest) && (c.cond === null || evaluate(c.cond))) setValue(c, c.value);
    }
  } catch (e) {
    if (e instanceof Contradiction) return { ok: false, error: e.kconfigError };
    throw e;
  }
  return { ok: true, values: Object.fromEntries(data.referenced.map((v) => [v, values.get(v) as boolean])) };
}
