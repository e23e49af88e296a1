import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';
import { PACKAGES } from './packages.js';

/** The files of a packed .tgz by path, read from its ustar headers. */
function untar(tgz: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(tgz);
  const files = new Map<string, Buffer>();
  const text = (at: number, length: number) => tar.subarray(at, at + length).toString('utf8').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const prefix = text(at + 345, 155);
    const name = `${prefix === '' ? '' : `${prefix}/`}${text(at, 100)}`;
    // typeflag '0' or NUL is a regular file
    if (tar[at + 156] === 0x30 || tar[at + 156] === 0) files.set(name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe('every packed package ships its CHANGELOG.md', () => {
  it.each(PACKAGES)('@hiodkit/%s', (pkg) => {
    const files = untar(readFileSync(inject('tarballs')[pkg] as string));
    expect(files.has('package/package.json')).toBe(true);
    const changelog = files.get('package/CHANGELOG.md');
    expect(changelog?.toString('utf8')).toBe(readFileSync(new URL(`../../packages/${pkg}/CHANGELOG.md`, import.meta.url), 'utf8'));
    expect(changelog?.toString('utf8').startsWith(`# @hiodkit/${pkg}\n`)).toBe(true);
  });
});
