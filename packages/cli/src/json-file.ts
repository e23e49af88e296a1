import { InputError } from '@hiodkit/core';
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

/** Parses JSON text named `source`; errors are InputErrors naming the source and the reason. */
export function parseJsonText(text: string, source: string): unknown {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw new InputError(source, `nested ${depth} levels deep; at most ${MAX_JSON_DEPTH} are allowed`);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(source, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return json;
}

/** The text of a JSON file of at most MAX_JSON_BYTES. */
export function readJsonText(path: string): string {
  return readBounded(path, MAX_JSON_BYTES, 'a description').toString('utf8');
}
