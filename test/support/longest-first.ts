// The order files start in: the heaviest project first, and in each project its longest files first, so
// that the two workers end together. vitest's own order takes the projects by name, and with no results
// cached (a fresh clone, CI) each project's files in the order they were found: a five-second file
// of the last project then runs alone at the end.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each long file took in a full run (`vitest run --reporter=json`, 2 CPUs): used where vitest
 * has no result of its own for the file. Only the order depends on them; a stale figure costs time, never a verdict.
 */
const MEASURED_SECONDS: Readonly<Record<string, number>> = {
  'packages/cli/test/bad-input.test.ts': 14,
  'packages/conformance/test/process-plugin.test.ts': 10,
  'packages/cli/test/conform.test.ts': 7,
  'packages/conformance/test/profiles.test.ts': 7,
  'packages/conformance/test/kill-matrix.test.ts': 6,
  'packages/cli/test/soak.test.ts': 5,
  'packages/conformance/test/invocation.test.ts': 4,
  'packages/cli/test/conform-resolver.test.ts': 4,
  'packages/conformance/test/timeout-confirmation.test.ts': 3,
  'packages/conformance/test/isolated-resolver.test.ts': 3,
  'packages/conformance/test/process-resolver.test.ts': 3,
  'packages/conformance/test/process-groups.test.ts': 3,
  'packages/conformance/test/vitest-helper.test.ts': 2,
  'packages/cli/test/check.test.ts': 2,
  'packages/cli/test/readme-examples.test.ts': 2,
  'test/typecheck.test.ts': 2,
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // the path from the workspace root (vitest's root): the key of vitest's cache and of the table
    const ms = (spec: TestSpecification): number => {
      const path = relative(this.ctx.config.root, spec.moduleId);
      return this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration ?? (MEASURED_SECONDS[path] ?? 0) * 1000;
    };
    // a project's files stay together (a worker that changes project starts afresh): the heaviest project first
    const projectMs = new Map<string, number>();
    for (const spec of files) projectMs.set(spec.project.name, (projectMs.get(spec.project.name) ?? 0) + ms(spec));
    const weight = (spec: TestSpecification): number => projectMs.get(spec.project.name) ?? 0;
    return [...files].sort((a, b) => weight(b) - weight(a) || (a.project.name < b.project.name ? -1 : a.project.name > b.project.name ? 1 : 0) || ms(b) - ms(a));
  }
}
