// The process plugin protocol, version 2 (PROTOCOL.md): the lines the kit writes and how it reads
// the plugin's lines. Pure functions: process-plugin.ts and process-worker.ts share them.
import type { KconfigResolution, KconfigResolverInput, Outcome, PluginDeclaration } from '@hiodkit/core';
import { schemaProblems } from '../schemas.js';
import { duplicateKey } from './json-text.js';
import type { KnownFailureEntry } from './known-failures.js';
import { copyResolution } from './resolver-invocation.js';
import { copyOutcome, type CaseJson } from './wire.js';

export const PROTOCOL_VERSION = 2;
/** The versions a plugin's hello may say: 1 (a checker, as before kinds) and 2. */
export const SUPPORTED_PROTOCOLS: readonly number[] = [1, 2];

/** What a process plugin is: a checker (protocol 1, or 2 by default) or a Kconfig resolver (protocol 2). */
export type PluginKind = 'checker' | 'kconfig-resolver';

/** The kit's hello: the first line it writes to the plugin's stdin. */
export const KIT_HELLO = { hiodkit: 'hello', protocol: PROTOCOL_VERSION } as const;
export const KIT_HELLO_LINE = `${JSON.stringify(KIT_HELLO)}\n`;

/** A checker's hello (schemas/protocol-hello.schema.json): protocol 1 has no kind, protocol 2 may say "checker". */
export interface CheckerHello {
  readonly hiodkit: 'hello';
  readonly protocol: 1 | 2;
  readonly kind?: 'checker';
  readonly name: string;
  readonly implements: PluginDeclaration;
  readonly knownFailures?: readonly KnownFailureEntry[];
}

/** A Kconfig resolver's hello: protocol 2 only, and no checker declaration. */
export interface ResolverHello {
  readonly hiodkit: 'hello';
  readonly protocol: 2;
  readonly kind: 'kconfig-resolver';
  readonly name: string;
}

/** The plugin's hello (schemas/protocol-hello.schema.json). */
export type PluginHello = CheckerHello | ResolverHello;

export function helloKind(hello: PluginHello): PluginKind {
  return hello.kind ?? 'checker';
}

/** How much of an offending line a message quotes. */
export const QUOTE_CHARS = 200;

/** A line as a JSON string literal, cut to QUOTE_CHARS characters. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line);
}

/** One request line (schemas/protocol-request.schema.json), newline included. */
export function encodeRequest(id: number, c: CaseJson): string {
  return `{"id":${id},${caseRequestBody(c)}}\n`;
}

/** A checker request's members after its id. */
export function caseRequestBody(c: CaseJson): string {
  return `"guest":${JSON.stringify(c.guest)},"device":${JSON.stringify(c.device)}`;
}

/** One Kconfig request line (schemas/protocol-kconfig-request.schema.json), newline included. */
export function encodeKconfigRequest(id: number, input: KconfigResolverInput): string {
  return `{"id":${id},${kconfigRequestBody(input)}}\n`;
}

/** A Kconfig request's members after its id: the input's four fields, and nothing else it may carry. */
export function kconfigRequestBody(input: KconfigResolverInput): string {
  return `"kconfig":${JSON.stringify({ rules: input.rules, host: input.host, mak: input.mak, defaultDevices: input.defaultDevices })}`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** A key given twice in one object: JSON.parse keeps the last, and a verdict could rest on either, so the line is refused. */
function repeatedKey(text: string, root: string): string | undefined {
  const path = duplicateKey(text);
  return path === undefined ? undefined : `${root}${path === '' ? '' : path.startsWith('[') ? path : `.${path}`}: is given twice in the same object; which one counts would be a guess`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the plugin's hello, or says in one line why it is not one this kit can speak with. */
export function decodeHello(line: string, lineNo: number): { ok: true; hello: PluginHello } | { ok: false; reason: string } {
  const where = `its hello (stdout line ${lineNo})`;
  const parsed = parseJson(line);
  if (!parsed.ok) return { ok: false, reason: `${where} is not JSON (${parsed.reason}): ${quoteLine(line)}` };
  const v = parsed.value;
  if (isObject(v) && v['hiodkit'] === 'hello' && 'protocol' in v && !SUPPORTED_PROTOCOLS.includes(v['protocol'] as number)) {
    return { ok: false, reason: `it speaks protocol ${JSON.stringify(v['protocol'])}, but this kit speaks protocols ${SUPPORTED_PROTOCOLS.join(' and ')} only` };
  }
  const repeated = repeatedKey(line, 'hello');
  const kinds = kindProblems(v);
  const problems = repeated !== undefined ? [repeated] : kinds.length > 0 ? kinds : schemaProblems('protocol-hello.schema.json', v, 'hello');
  if (problems.length > 0) return { ok: false, reason: `${where} is invalid: ${problems.join('; ')}: ${quoteLine(line)}` };
  return { ok: true, hello: v as PluginHello };
}

/** What the schema would only say as "boolean schema is false": a kind that does not go with the protocol or the fields. */
function kindProblems(v: unknown): string[] {
  if (!isObject(v)) return [];
  if (v['protocol'] === 1 && 'kind' in v) return ['hello.kind: comes with protocol 2; a protocol 1 hello is a checker\'s and has no kind'];
  if (v['kind'] !== 'kconfig-resolver') return [];
  return ['implements', 'knownFailures'].filter((k) => k in v).map((k) => `hello.${k}: a kconfig-resolver's hello has no ${k}; it is judged against minikconf, not a checker profile`);
}

/** What one stdout line after the hello says. */
export type DecodedAnswer =
  /** a valid answer */
  | { readonly kind: 'answer'; readonly id: number; readonly outcome: Outcome }
  /** the line names an id but is not a valid answer */
  | { readonly kind: 'invalid'; readonly id: number; readonly value: string; readonly problems: readonly string[] }
  /** the line cannot be tied to any request */
  | { readonly kind: 'garbage'; readonly value: string; readonly problems: readonly string[] };

/** An answer line by its schema: the id it answers and the parsed line when it is valid, else why it is not. */
function decodeLine(line: string, lineNo: number, schema: 'protocol-response.schema.json' | 'protocol-resolution.schema.json'): { readonly kind: 'valid'; readonly id: number; readonly value: unknown } | Exclude<DecodedAnswer, { readonly kind: 'answer' }> {
  const value = `stdout line ${lineNo} ${quoteLine(line)}`;
  const parsed = parseJson(line);
  if (!parsed.ok) return { kind: 'garbage', value, problems: [`stdout line ${lineNo} is not JSON (${parsed.reason})`] };
  const v = parsed.value;
  const id = isObject(v) ? v['id'] : undefined;
  const repeated = repeatedKey(line, 'answer');
  const problems = (repeated !== undefined ? [repeated] : schemaProblems(schema, v, 'answer')).map((p) => `stdout line ${lineNo}: ${p}`);
  // a repeated id ties the line to no request for certain
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || repeated?.startsWith('answer.id:') === true) {
    return { kind: 'garbage', value, problems: problems.length > 0 ? problems : [`stdout line ${lineNo}: answer.id: must be a non-negative integer`] };
  }
  if (problems.length > 0) return { kind: 'invalid', id, value, problems };
  return { kind: 'valid', id, value: v };
}

/** Decodes an answer line by schemas/protocol-response.schema.json (its outcome by outcome.schema.json). */
export function decodeAnswer(line: string, lineNo: number): DecodedAnswer {
  const d = decodeLine(line, lineNo, 'protocol-response.schema.json');
  // a fresh plain copy, as judgeReturned makes for in-process plugins
  return d.kind === 'valid' ? { kind: 'answer', id: d.id, outcome: copyOutcome((d.value as { outcome: Outcome }).outcome) } : d;
}

/** What one stdout line of a Kconfig resolver after the hello says. */
export type DecodedResolution =
  | { readonly kind: 'answer'; readonly id: number; readonly resolution: KconfigResolution }
  | Exclude<DecodedAnswer, { readonly kind: 'answer' }>;

/** Decodes a resolver's answer line by schemas/protocol-resolution.schema.json (its resolution by kconfig-resolution.schema.json). */
export function decodeResolutionAnswer(line: string, lineNo: number): DecodedResolution {
  const d = decodeLine(line, lineNo, 'protocol-resolution.schema.json');
  return d.kind === 'valid' ? { kind: 'answer', id: d.id, resolution: copyResolution((d.value as { resolution: KconfigResolution }).resolution) } : d;
}
