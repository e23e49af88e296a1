import { fieldPath } from '@hiodkit/core';

// What JSON.parse hides (a repeated key, a number as written), read from text it accepted in one pass with an explicit stack.

/** A step of a path into a JSON value: an object key or an array index. */
export type JsonPathSegment = string | number;

interface Frame {
  readonly keys: Set<string> | undefined;
  /** the key or index of the value being read in this object or array */
  at: JsonPathSegment;
  /** an object's next string is a key */
  expectKey: boolean;
}

interface Visitor {
  /** a key of the innermost object; true stops the scan */
  key?(stack: readonly Frame[], key: string, repeated: boolean): boolean;
  /** a number token at the path the stack gives; true stops the scan */
  number?(stack: readonly Frame[], raw: string): boolean;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    // unterminated: only text JSON.parse refused gets here
    if (end === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

const NUMBER_CHAR = /[-+.eE0-9]/;

function scan(text: string, visit: Visitor): void {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (ch === 0x7b) {
      stack.push({ keys: new Set(), at: '', expectKey: true });
      i++;
    } else if (ch === 0x5b) {
      stack.push({ keys: undefined, at: 0, expectKey: false });
      i++;
    } else if (ch === 0x7d || ch === 0x5d) {
      stack.pop();
      i++;
    } else if (ch === 0x2c) {
      if (top !== undefined && top.keys === undefined) top.at = (top.at as number) + 1;
      else if (top !== undefined) top.expectKey = true;
      i++;
    } else if (ch === 0x22) {
      const end = stringEnd(text, i);
      if (top?.keys !== undefined && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const repeated = top.keys.has(key);
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
        if (visit.key?.(stack, key, repeated)) return;
      }
      i = end + 1;
    } else if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      let end = i + 1;
      while (end < text.length && NUMBER_CHAR.test(text.charAt(end))) end++;
      if (visit.number?.(stack, text.slice(i, end))) return;
      i = end;
    } else {
      // whitespace, ':' and the letters of true, false and null
      i++;
    }
  }
}

/** The path of the innermost value, as InputError paths are written (`caps.vtd.capReg`, `pci.at[1]`). */
function pathOf(stack: readonly Frame[]): string {
  return stack.reduce((path, frame) => fieldPath(path, frame.at), '');
}

/** The path of the first key given twice in one object of `text` (`caps.vtd.capReg`), if any; `text` is JSON that JSON.parse accepted. */
export function duplicateKey(text: string): string | undefined {
  let found: string | undefined;
  scan(text, {
    key(stack, _key, repeated) {
      if (repeated) found = pathOf(stack);
      return repeated;
    },
  });
  return found;
}

/** The number at `path` in `text` as written (`1e400`, which JSON.parse rounds), if one is there; `text` is JSON without repeated keys. */
export function numberLiteral(text: string, path: readonly JsonPathSegment[]): string | undefined {
  let found: string | undefined;
  scan(text, {
    number(stack, raw) {
      if (stack.length !== path.length || !stack.every((frame, i) => frame.at === path[i])) return false;
      found = raw;
      return true;
    },
  });
  return found;
}
