import type { ReplayFormatter } from '@hiodkit/conformance';
import { shellWord } from './shell-word.js';

/**
 * The whole `hiodkit conform` command that replays a failure, to paste into a shell: the words
 * that select the plugin (and its time limit), then the failure's property, seed, runs and path.
 */
export function replayCommand(pluginWords: readonly string[]): ReplayFormatter {
  return (r) => ['hiodkit', 'conform', ...pluginWords, '--property', r.property, '--seed', String(r.seed), '--runs', String(r.numRuns), '--path', r.path].map(shellWord).join(' ');
}
