// `tsc -p . --noEmit` over the whole workspace (sources, tests, fixtures), as `pnpm typecheck` runs
// it: a type error fails `pnpm test` with tsc's own report.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

it('the workspace type-checks (tsc -p . --noEmit)', async () => {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const result = await promisify(execFile)(tsc, ['-p', root, '--noEmit', '--pretty', 'false'], { cwd: root, encoding: 'utf8' }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: (e.stdout ?? '') + (e.stderr ?? '') }),
  );
  expect(result.output).toBe('');
  expect(result.code).toBe(0);
});
