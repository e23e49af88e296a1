import { readFileSync } from 'node:fs';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, inject, it } from 'vitest';
import { PACKAGES } from './packages.js';

describe('publint --strict on every packed package', () => {
  it.each(PACKAGES)('@hiodkit/%s', async (pkg) => {
    const file = readFileSync(inject('tarballs')[pkg] as string);
    const tarball = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const { messages, pkg: manifest } = await publint({ pack: { tarball }, strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, manifest) ?? m.code}`)).toEqual([]);
  });
});
