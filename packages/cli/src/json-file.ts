import { InputError } from '@hiodkit/core';
import { duplicateKey } from '@hiodkit/conformance';
import { readBounded } from './bounded-read.js';

/** Inputs are small descriptions: anything bigger is a mistake, refused before it is read. */
export const MAX_JSON_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in JSON text, found without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}

/** Parses JSON text named `source`; errors are InputErrors naming the source, or the repeated key's path, and the reason. */
export function parseJsonText(text: string, source: string): unknown {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new InputError(source, `nested ${depth} levels deep; at most ${MAX_JSON_DEPTH} are allowed`);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(source, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const repeated = duplicateKey(text);
  if (repeated !== undefined) throw new InputError(repeated, 'is given twice in the same object; which value counts would be a guess, so the file is refused');
  return json;
}

/** JSON text from a file's bytes, which must be UTF-8: a byte-order mark, UTF-16 or other bytes are named, not shown as an invisible token. */
export function jsonTextOf(bytes: Buffer, source: string): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw new InputError(source, 'starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow: save it as UTF-8 without a BOM');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(source, `is UTF-16 (it starts with the byte-order mark ${bytes.subarray(0, 2).toString('hex').toUpperCase().replace(/(..)(..)/, '$1 $2')}): save it as UTF-8`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new InputError(source, `has a NUL byte at offset ${nul}, which UTF-8 JSON never has (UTF-16 without a byte-order mark does): save it as UTF-8`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(source, 'is not UTF-8 (JSON files must be): save it as UTF-8');
  }
}

/** The text of a JSON file of at most MAX_JSON_BYTES. */
export function readJsonText(path: string): string {
  return jsonTextOf(readBounded(path, MAX_JSON_BYTES, 'a description'), path);
}
