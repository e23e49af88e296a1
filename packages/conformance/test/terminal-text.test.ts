// terminalText, and the human report printing plugin-supplied text through it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckerPlugin } from '@hiodkit/core';
import { TERMINAL_TEXT_MAX, formatReport, runConformance, terminalText } from '../src/index.js';
import { seedChecker } from './broken/seed-checker.js';

/** A character a terminal acts on or hides, or a lone surrogate: what terminalText must never let through. */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether some line of a multi-line report holds an unsafe character. */
function unsafeLine(text: string): boolean {
  return text.split('\n').some((line) => UNSAFE.test(line));
}

describe('terminalText', () => {
  it.each([
    ['ordinary text, backslashes and non-ASCII included, stays as it is', '0000:02:00.0 — dmar1, a\\nb, 🙂, ümlaut', '0000:02:00.0 — dmar1, a\\nb, 🙂, ümlaut'],
    ['a line break cannot start a forged line', 'a\nqemu-system-x86_64: forged', 'a\\nqemu-system-x86_64: forged'],
    ['other C0 controls', '\r\t\x00\x07', '\\r\\t\\x00\\x07'],
    ['an escape sequence (clear screen)', '\x1b[2J', '\\x1b[2J'],
    ['DEL and the C1 controls (CSI 0x9b drives a terminal as ESC [ does)', '\x7f\x85\x9b2J', '\\x7f\\x85\\x9b2J'],
    ['a bidi override', 'abc\u202edef', 'abc\\u202edef'],
    ['the other bidi controls', '\u061c\u200e\u200f\u202a\u2066\u2069', '\\u061c\\u200e\\u200f\\u202a\\u2066\\u2069'],
    ['the line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['the byte-order mark', '\ufeff{}', '\\ufeff{}'],
    ['lone surrogates', 'x\ud800y\udc00z', 'x\\ud800y\\udc00z'],
    ['a surrogate pair, which stays', '\ud83d\ude42', '🙂'],
  ])('%s', (_what, text, shown) => {
    expect(terminalText(text)).toBe(shown);
  });

  it(`cuts text longer than ${TERMINAL_TEXT_MAX} characters and gives its length`, () => {
    const long = 'n'.repeat(10_000);
    expect(terminalText(long)).toBe(`${'n'.repeat(TERMINAL_TEXT_MAX)}… (10000 chars)`);
    expect(terminalText('n'.repeat(TERMINAL_TEXT_MAX))).toBe('n'.repeat(TERMINAL_TEXT_MAX));
    expect(terminalText('abcdef', 3)).toBe('abc… (6 chars)');
    expect(terminalText('abcdef', Infinity)).toBe('abcdef');
  });

  it('never splits a surrogate pair at the cut', () => {
    expect(terminalText('ab🙂cd', 3)).toBe('ab… (6 chars)');
  });

  it('its output never holds an unsafe character, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expect(terminalText(text)).not.toMatch(UNSAFE);
      }),
      { seed: 0x5eed },
    );
  });
});

describe('the human report prints plugin-supplied text through terminalText', () => {
  const forgedName = 'evil\nqemu-system-x86_64: forged\x1b[2J';

  it('a plugin name with a newline and an escape sequence stays on the header line, escaped', () => {
    const text = formatReport(runConformance(seedChecker(forgedName), { seed: 1, numRuns: 2, properties: ['contract'] }));
    expect(text.split('\n')[0]).toBe('hiodkit conformance: evil\\nqemu-system-x86_64: forged\\x1b[2J (in-process) — profile seed, CONFIG_VTD_ACCEL=y');
    expect(text).not.toMatch(/^qemu-system-x86_64/m);
    expect(unsafeLine(text)).toBe(false);
  });

  it('a 10 000-character plugin name is cut, with its length', () => {
    const text = formatReport(runConformance(seedChecker('p'.repeat(10_000)), { seed: 1, numRuns: 2, properties: ['contract'] }));
    expect(text.split('\n')[0]).toContain(`${'p'.repeat(TERMINAL_TEXT_MAX)}… (10000 chars) (in-process)`);
  });

  it('a message the plugin returns is shown escaped in actual:', () => {
    const plugin = seedChecker('b', { messages: { final: 'host IOMMU\x1b[2J \u202eincompatible' } });
    const text = formatReport(runConformance(plugin, { seed: 1, numRuns: 20, properties: ['final-rejection'] }));
    expect(text).toContain('actual:   reject: "host IOMMU\\u001b[2J \\u202eincompatible"');
    expect(unsafeLine(text)).toBe(false);
  });

  it("a thrown message's lines stay indented under the summary: no forged line at the margin", () => {
    const thrower: CheckerPlugin = {
      ...seedChecker('thrower'),
      check() {
        throw new Error('boom\nqemu-system-x86_64: forged\r\x1b[2J');
      },
    };
    const text = formatReport(runConformance(thrower, { seed: 1, numRuns: 2, properties: ['contract'] }));
    const forged = text.split('\n').find((l) => l.includes('qemu-system-x86_64: forged'));
    expect(forged).toMatch(/^ {8}qemu-system-x86_64: forged\\r\\x1b\[2J$/);
    expect(unsafeLine(text)).toBe(false);
  });
});
