// duplicateKey and numberLiteral: what JSON.parse hides about the text it accepted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldPath } from '@hiodkit/core';
import { duplicateKey, numberLiteral } from '../src/index.js';

describe('duplicateKey', () => {
  const nested = JSON.stringify({ caps: { type: 1, vtd: { flags: 0, capReg: '0x1' } } }, null, 2).replace('"capReg": "0x1"', '"capReg": "0x1",\n      "capReg": "0x0"');
  it.each([
    ['unique keys, the same key in sibling objects included', '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', undefined],
    ['an array of scalars', '[1,"a",{"x":null},true,false,-1.5e3]', undefined],
    ['a bare string', '"just a string"', undefined],
    ['a duplicate at the top level, by its key', '{"name":"a","backend":"iommufd","name":"b"}', 'name'],
    ['a nested duplicate, by its path', nested, 'caps.vtd.capReg'],
    ['array indices in the path', '{"pci":{"at":["01.0",{"x":1,"x":2}]}}', 'pci.at[1].x'],
    ['nested arrays', '[[0],[1,{"k":0,"k":1}]]', '[1][1].k'],
    ['a key seen again after the nested object that follows it closes', '{"a":{"a":1,"b":[{"a":2}]},"a":2}', 'a'],
    ['an escaped spelling of the same key (keys compare decoded)', '{"a":1,"\\u0061":2}', 'a'],
    ['two spellings of a backslash', '{"k\\\\":1,"k\\u005c":2}', 'k\\'],
    ['__proto__ twice', '{"__proto__":{},"__proto__":{}}', '__proto__'],
    ['quotes, braces and commas inside strings', '{"a":"}\\",\\"a\\":{","b":"\\\\","c":"\\\\\\""}', undefined],
    ['a value ending in an escaped backslash', '{"a":"\\\\","a":1}', 'a'],
  ])('%s', (_what, text, path) => {
    expect(duplicateKey(text)).toBe(path);
  });

  it('handles nesting far deeper than the call stack', () => {
    const depth = 200_000;
    expect(duplicateKey(`${'['.repeat(depth)}{"k":1,"k":2}${']'.repeat(depth)}`)).toBe(`${'[0]'.repeat(depth)}.k`);
  });

  it('JSON.stringify of any value never has a duplicate', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (value, indent) => {
        expect(duplicateKey(JSON.stringify(value, null, indent))).toBeUndefined();
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  });

  it('a key inserted again into any object, at any depth, is found, with its path', () => {
    const wrapper = fc.oneof(fc.string().map((key) => ({ key })), fc.nat(3).map((index) => ({ index })));
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 5 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        fc.array(wrapper, { maxLength: 5 }),
        (object, pick, again, first, wrappers) => {
          const keys = Object.keys(object);
          const key = keys[pick % keys.length] as string;
          const member = `${JSON.stringify(key)}:${JSON.stringify(again)}`;
          const body = JSON.stringify(object).slice(1, -1);
          let text = first ? `{${member},${body}}` : `{${body},${member}}`;
          for (const w of [...wrappers].reverse()) text = 'key' in w ? `{${JSON.stringify(w.key)}:${text}}` : `[${'0,'.repeat(w.index)}${text}]`;
          JSON.parse(text);
          const path = fieldPath(wrappers.reduce((p, w) => fieldPath(p, 'key' in w ? w.key : w.index), ''), key);
          expect(duplicateKey(text)).toBe(path);
        },
      ),
      { seed: 0x5eed, numRuns: 300 },
    );
  });
});

describe('numberLiteral', () => {
  it('gives a number exactly as written, where JSON.parse rounds it', () => {
    const text = '{"awBits": 99999999999999999999, "caps": {"type": 1e400, "vtd": {"flags": -0.5E-3}}}';
    expect(numberLiteral(text, ['awBits'])).toBe('99999999999999999999');
    expect(numberLiteral(text, ['caps', 'type'])).toBe('1e400');
    expect(numberLiteral(text, ['caps', 'vtd', 'flags'])).toBe('-0.5E-3');
  });

  it('follows array indices and reads a bare number at the top', () => {
    expect(numberLiteral('{"a":[1,[2,30000000000000000001]]}', ['a', 1, 1])).toBe('30000000000000000001');
    expect(numberLiteral(' 12345678901234567890 ', [])).toBe('12345678901234567890');
  });

  it('is undefined where there is no number, or only a string of digits', () => {
    expect(numberLiteral('{"a":"123","b":{"c":1}}', ['a'])).toBeUndefined();
    expect(numberLiteral('{"a":"123","b":{"c":1}}', ['b'])).toBeUndefined();
    expect(numberLiteral('{"a":"123","b":{"c":1}}', ['z'])).toBeUndefined();
  });

  it('finds every number of a stringified value at its path', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))), (object) => {
        const text = JSON.stringify(object);
        for (const [key, value] of Object.entries(object)) expect(numberLiteral(text, [key])).toBe(JSON.stringify(value));
      }),
      { seed: 0x5eed },
    );
  });
});
