import { describe, expect, it } from 'vitest';
import { KconfigBuilder, computeConfig, type KconfigMode, type KconfigResult } from '@hiodkit/core';

function run(src: string, mode: KconfigMode = 'defconfig'): KconfigResult {
  return computeConfig(new KconfigBuilder().parse(src, 'Kconfig').data(), mode);
}

function values(result: KconfigResult): Readonly<Record<string, boolean>> {
  if (!result.ok) throw new Error(`minikconf failed: ${result.error.message}`);
  return result.values;
}

describe('minikconf grammar', () => {
  // minikconf: "disj: primary (OR primary)*", "expr: disj (AND disj)*": || binds tighter than &&
  const RULES = `
config A
    bool
config B
    bool
config C
    bool
config X
    bool
    default y
    depends on A && B || C
CONFIG_A=n
CONFIG_B=n
CONFIG_C=y
`;

  it('A && B || C parses as A && (B || C): false when A=n, C=y', () => {
    expect(values(run(RULES)).X).toBe(false);
  });

  it('A && B || C prints as (A && (B || C)) in a contradiction report', () => {
    const result = run(`${RULES}CONFIG_X=y\n`);
    expect(result).toEqual({
      ok: false,
      error: {
        message: 'contradiction between clauses when setting X',
        details: ['The following clauses were found for X', '    config X depends on (A && (B || C))', '    CONFIG_X=y'],
      },
    });
  });

  it('A || B && C is (A || B) && C', () => {
    const src = `
config A
    bool
config B
    bool
config C
    bool
config X
    bool
    default y
    depends on A || B && C
CONFIG_A=y
CONFIG_B=n
CONFIG_C=n
`;
    expect(values(run(src)).X).toBe(false);
  });

  it('! binds tightest and parentheses group', () => {
    const src = `
config A
    bool
config B
    bool
config X
    bool
    default y
    depends on !A && (A || B)
CONFIG_A=n
CONFIG_B=y
`;
    expect(values(run(src)).X).toBe(true);
  });
});

describe('minikconf semantics', () => {
  it('a select that contradicts the target\'s depends on is an error listing both clauses', () => {
    const src = `
config T
    bool
    depends on D
config D
    bool
config S
    bool
    select T
CONFIG_S=y
`;
    expect(run(src)).toEqual({
      ok: false,
      error: {
        message: 'contradiction between clauses when setting T',
        details: ['The following clauses were found for T', '    config T depends on D', '    select T if S'],
      },
    });
  });

  it('a select whose target\'s dependency holds sets it, under allnoconfig too', () => {
    const src = `
config T
    bool
    depends on D
config D
    bool
config S
    bool
    select T
CONFIG_S=y
CONFIG_D=y
`;
    expect(values(run(src)).T).toBe(true);
    expect(values(run(src, 'allnoconfig')).T).toBe(true);
  });

  it('a user assignment against a false depends on is an error', () => {
    const src = `
config D
    bool
config T
    bool
    depends on D
CONFIG_T=y
`;
    const result = run(src);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe('contradiction between clauses when setting T');
      expect(result.error.details).toEqual(['The following clauses were found for T', '    config T depends on D', '    CONFIG_T=y']);
    }
  });

  it('a user n against a false depends on is fine (both say n)', () => {
    expect(values(run('config D\n    bool\nconfig T\n    bool\n    depends on D\nCONFIG_T=n\n')).T).toBe(false);
  });

  describe('imply is a default y, overridable by a user n', () => {
    const RULES = `
config A
    bool
    imply B
config B
    bool
CONFIG_A=y
`;
    it('A=y implies B=y', () => {
      expect(values(run(RULES))).toEqual({ A: true, B: true });
    });

    it('CONFIG_B=n wins over the imply without an error', () => {
      expect(values(run(`${RULES}CONFIG_B=n\n`))).toEqual({ A: true, B: false });
    });

    it('the imply is off when its implier is n', () => {
      expect(values(run('config A\n    bool\n    imply B\nconfig B\n    bool\n'))).toEqual({ A: false, B: false });
    });

    it('imply with an if condition: "default y if (C && A)"', () => {
      const src = `
config C
    bool
config A
    bool
    imply B if C
config B
    bool
CONFIG_A=y
`;
      expect(values(run(src)).B).toBe(false);
      expect(values(run(`${src}CONFIG_C=y\n`)).B).toBe(true);
    });
  });

  describe('allnoconfig (--without-default-devices) disables default and imply', () => {
    const RULES = `
config D
    bool
    default y
config A
    bool
    imply B
config B
    bool
CONFIG_A=y
`;
    it('defconfig applies them', () => {
      expect(values(run(RULES, 'defconfig'))).toEqual({ D: true, A: true, B: true });
    });

    it('allnoconfig turns them to n, but keeps assignments', () => {
      expect(values(run(RULES, 'allnoconfig'))).toEqual({ D: false, A: true, B: false });
    });

    it('an explicit CONFIG_B=y still gives y under allnoconfig', () => {
      expect(values(run(`${RULES}CONFIG_B=y\n`, 'allnoconfig')).B).toBe(true);
    });
  });

  it('the first default whose condition holds wins', () => {
    const src = `
config C
    bool
config X
    bool
    default n if C
    default y
CONFIG_C=y
`;
    expect(values(run(src)).X).toBe(false);
    expect(values(run(src.replace('CONFIG_C=y', 'CONFIG_C=n'))).X).toBe(true);
  });

  it('a symbol nothing sets is n (the implicit default n)', () => {
    expect(values(run('config LONELY\n    bool\n')).LONELY).toBe(false);
  });

  it('select with an if condition selects only when the condition holds', () => {
    const src = `
config C
    bool
config T
    bool
config S
    bool
    select T if C
CONFIG_S=y
`;
    expect(values(run(src)).T).toBe(false);
    expect(values(run(`${src}CONFIG_C=y\n`)).T).toBe(true);
  });

  it('select with an if condition prints as "select T if (C && S)"', () => {
    const src = `
config C
    bool
config T
    bool
    depends on D
config D
    bool
config S
    bool
    select T if C
CONFIG_S=y
CONFIG_C=y
`;
    expect(run(src)).toEqual({
      ok: false,
      error: {
        message: 'contradiction between clauses when setting T',
        details: ['The following clauses were found for T', '    config T depends on D', '    select T if (C && S)'],
      },
    });
  });

  it('an undefined symbol stops the build', () => {
    expect(run('config A\n    bool\n    depends on MISSING\n')).toEqual({
      ok: false,
      error: { message: 'there were undefined symbols', details: ['undefined symbol MISSING'] },
    });
  });

  it('an assignment to an undeclared symbol is an undefined symbol', () => {
    const result = run('config A\n    bool\nCONFIG_GHOST=y\n');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe('there were undefined symbols');
      expect(result.error.details).toEqual(['undefined symbol GHOST']);
    }
  });

  it('order of declaration does not matter (topological order)', () => {
    const src = `
config TOP
    bool
    depends on MID
    default y
config MID
    bool
    depends on BASE
    default y
config BASE
    bool
    default y
`;
    expect(values(run(src))).toEqual({ TOP: true, MID: true, BASE: true });
  });
});
