import { ConformanceConfigError } from './config-error.js';

/** fast-check's path: the index of a generated case, then one index per shrink step, colon-separated. */
export const PATH_FORM = /^(0|[1-9]\d{0,9})(:(0|[1-9]\d{0,9}))*$/;
/** No shrink goes this deep; a longer path is a mistake, refused before anything runs. */
export const MAX_PATH_STEPS = 10_000;

/**
 * Checks a replay path before the run: its form, and that its first index names a case the run
 * makes (`cases`: the fixed examples plus numRuns). fast-check would otherwise generate its way up
 * to any index, however large, or replay a path no run produced.
 */
export function checkReplayPath(path: string, cases: { readonly examples: number; readonly numRuns: number }, where = 'path'): void {
  const shown = path.length > 60 ? `${JSON.stringify(path.slice(0, 60))}… (${path.length} characters)` : JSON.stringify(path);
  if (!PATH_FORM.test(path)) {
    throw new ConformanceConfigError(`${where} ${shown} is not a fast-check path: it is the case's index and then each shrink step's, as non-negative integers joined by ':' (e.g. "3:0:1"), as a failure report prints it`);
  }
  const steps = path.split(':');
  if (steps.length > MAX_PATH_STEPS) throw new ConformanceConfigError(`${where} ${shown} has ${steps.length} steps; a replay path has at most ${MAX_PATH_STEPS}`);
  const first = Number(steps[0]);
  const total = cases.examples + cases.numRuns;
  if (first >= total) {
    throw new ConformanceConfigError(
      `${where} ${shown} starts at case ${first}, but this run makes ${total} (${cases.examples} fixed example(s) and ${cases.numRuns} generated): replay with the --runs (numRuns) of the run that found it`,
    );
  }
}
