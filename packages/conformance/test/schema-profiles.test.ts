import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '@hiodkit/core';

const SCHEMA_DIRS = ['../schemas/', '../../cli/schemas/'].map((d) => new URL(d, import.meta.url));

/** Every `"profile": { "enum": [...] }` in a schema, with where it sits. */
function profileEnums(node: unknown, at: string, found: [string, unknown][]): [string, unknown][] {
  if (node === null || typeof node !== 'object') return found;
  for (const [key, value] of Object.entries(node)) {
    const here = `${at}/${key}`;
    if (key === 'profile' && value !== null && typeof value === 'object' && 'enum' in value) found.push([here, (value as { enum: unknown }).enum]);
    profileEnums(value, here, found);
  }
  return found;
}

const enums = SCHEMA_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .flatMap((f) => profileEnums(JSON.parse(readFileSync(new URL(f, dir), 'utf8')), f, [])),
);

describe('the schemas list the profiles core knows', () => {
  it('finds the profile enums of the reference, hello, report and run schemas', () => {
    expect(enums.map(([at]) => at.split('/')[0]).sort()).toEqual(['protocol-hello.schema.json', 'reference.schema.json', 'report.schema.json', 'report.schema.json', 'run.schema.json', 'run.schema.json']);
  });

  it.each(enums)('%s equals PROFILES, in order', (_at, values) => {
    expect(values).toEqual([...PROFILES]);
  });
});
