import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '@hiodkit/core';
import { loadReferenceTable } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BEHAVIOUR = join(ROOT, 'docs', 'BEHAVIOUR.md');
const GROUPS = ['profile', 'input', 'config', 'attach', 'build', 'error'];
/** A clause citation anywhere: `§<group>.<name>`; `§4.1`-style section numbers of other documents do not match. */
const CITATION = /§([a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*)/g;

interface Clause {
  readonly id: string;
  readonly anchor: string | undefined;
  readonly body: string;
}

/** Every `### §id` heading of BEHAVIOUR.md, with the anchor line above it and the text up to the next heading. */
function clauses(): Clause[] {
  const lines = readFileSync(BEHAVIOUR, 'utf8').split('\n');
  const found: Clause[] = [];
  lines.forEach((line, i) => {
    const m = /^### §(\S+)$/.exec(line);
    if (!m) return;
    const end = lines.findIndex((l, j) => j > i && /^##/.test(l));
    const anchor = /^<a id="([^"]+)"><\/a>$/.exec(lines[i - 1] ?? '')?.[1];
    found.push({ id: m[1] as string, anchor, body: lines.slice(i + 1, end === -1 ? undefined : end).join('\n') });
  });
  return found;
}

/** The repository's text files, without dependencies, build output or git's own files. */
function repositoryFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'dist', '.git'].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return repositoryFiles(path);
    return /\.(md|ts|json|c|h|js|mjs|ya?ml|txt)$|^Makefile$/.test(entry.name) ? [path] : [];
  });
}

// the old file's name and its section sign, spelt so that this file does not match itself
const STALE = new RegExp('SPEC(\\.md| §)');

const CLAUSES = clauses();
const IDS = new Set(CLAUSES.map((c) => c.id));

/** The rows a clause says stand for it. */
function rowsOf(clause: Clause): string[] {
  return [...clause.body.matchAll(/^- Table row: `([a-z0-9-]+)`/gm)].map((m) => m[1] as string);
}

/** The clause a table row's `spec` starts with. */
function citedBy(spec: string): string | undefined {
  return /^BEHAVIOUR §([a-z]+\.[a-z0-9-]+); \S/.exec(spec)?.[1];
}

describe('docs/BEHAVIOUR.md', () => {
  it('has clauses named group.name, each once, each under an anchor of its own name', () => {
    expect(CLAUSES.length).toBeGreaterThan(30);
    expect(CLAUSES.map((c) => c.id).filter((id, i, all) => all.indexOf(id) !== i)).toEqual([]);
    for (const c of CLAUSES) {
      expect([c.id, GROUPS.includes(c.id.split('.')[0] as string), /^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id)]).toEqual([c.id, true, true]);
      expect([c.id, c.anchor]).toEqual([c.id, c.id]);
    }
  });

  it('lists, in §profile.order, each profile\'s clauses in the order of its reference table', () => {
    const order = CLAUSES.find((c) => c.id === 'profile.order')?.body ?? '';
    for (const profile of PROFILES) {
      const line = order.split('\n').find((l) => l.startsWith(`| \`${profile}\` |`));
      const listed = [...(line ?? '').matchAll(CITATION)].map((m) => m[1]);
      expect([profile, listed]).toEqual([profile, loadReferenceTable(profile).rows.map((r) => citedBy(r.spec))]);
    }
  });
});

describe('citations of the behaviour specification', () => {
  it('every row of every reference table cites a clause that names the row', () => {
    for (const profile of PROFILES) {
      for (const row of loadReferenceTable(profile).rows) {
        const id = citedBy(row.spec);
        const clause = CLAUSES.find((c) => c.id === id);
        expect([profile, row.id, id !== undefined && clause !== undefined && rowsOf(clause).includes(row.id)]).toEqual([profile, row.id, true]);
      }
    }
  });

  it('every clause cited anywhere in the repository exists', () => {
    const files = repositoryFiles();
    expect(files.map((f) => relative(ROOT, f))).toContain('packages/conformance/reference/seed.json');
    const dangling = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(CITATION)].filter((m) => !IDS.has(m[1] as string)).map((m) => `${relative(ROOT, file)}: §${m[1] as string}`),
    );
    expect(dangling).toEqual([]);
  });

  it('nothing cites the old statement of facts, which the repository does not have', () => {
    const stale = repositoryFiles().filter((file) => STALE.test(readFileSync(file, 'utf8')));
    expect(stale.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
