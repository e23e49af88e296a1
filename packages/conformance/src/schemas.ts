import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** The JSON schemas that ship with the kit, by file name under `schemas/`; run.schema.json also stands alone. */
export const SCHEMA_FILES = ['case.schema.json', 'outcome.schema.json', 'reference.schema.json', 'report.schema.json', 'run.schema.json', 'protocol-hello.schema.json', 'protocol-request.schema.json', 'protocol-response.schema.json', 'kconfig-input.schema.json', 'kconfig-resolution.schema.json', 'resolver-report.schema.json', 'protocol-kconfig-request.schema.json', 'protocol-resolution.schema.json'] as const;
export type SchemaFile = (typeof SCHEMA_FILES)[number];

export function schemaUrl(file: SchemaFile): URL {
  return new URL(`../schemas/${file}`, import.meta.url);
}

export function readSchema(file: SchemaFile): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaUrl(file), 'utf8')) as Record<string, unknown>;
}

let ajv: Ajv | undefined;
const compiled = new Map<SchemaFile, ValidateFunction>();

/** A validator compiled once per process from the shipped schema (schemas may $ref each other by file name). */
export function validatorFor(file: SchemaFile): ValidateFunction {
  let validate = compiled.get(file);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, strict: true });
      for (const f of SCHEMA_FILES) ajv.addSchema(readSchema(f));
    }
    const id = readSchema(file)['$id'] as string;
    validate = ajv.getSchema(id) as ValidateFunction;
    compiled.set(file, validate);
  }
  return validate;
}

/** ajv's errors as `field.path: reason` lines, the field path rooted at `root`. */
export function formatSchemaErrors(errors: readonly ErrorObject[] | null | undefined, root: string): string[] {
  if (!errors) return [];
  // an if/then/else tag switch adds its own summary line; the branch's errors say more
  const lines = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames').map((e) => {
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : `${acc}.${seg}`), root);
    let reason = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') reason = `has unexpected property ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
    else if (e.keyword === 'enum') reason = `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    else if (e.keyword === 'const') reason = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    // ajv reports a refused key at the object's path; the key itself is in propertyName
    if (e.propertyName !== undefined) reason = `key ${JSON.stringify(e.propertyName)}: ${reason}`;
    return `${path}: ${reason}`;
  });
  return [...new Set(lines)];
}

/** Validates `value` against a shipped schema; returns the problems, empty when valid. */
export function schemaProblems(file: SchemaFile, value: unknown, root: string): string[] {
  const validate = validatorFor(file);
  return validate(value) ? [] : formatSchemaErrors(validate.errors, root);
}
