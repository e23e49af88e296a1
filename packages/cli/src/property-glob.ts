import { PROPERTY_IDS } from '@hiodkit/conformance';
import { quoted } from './args.js';
import { UsageError } from './cli-error.js';

/** `*` matches any run of characters, `/` included (`precedence/*`, `*rejection`); every other character stands for itself. */
function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * --property values as property IDs: a glob becomes the IDs it matches, and one that matches none is
 * an error listing them; a plain ID is passed on as it is, for the kit to refuse if it is unknown.
 */
export function expandPropertyGlobs(values: readonly string[], known: readonly string[] = PROPERTY_IDS): string[] {
  const ids = new Set<string>();
  for (const value of values) {
    if (!value.includes('*')) {
      ids.add(value);
      continue;
    }
    const re = globRegExp(value);
    const matched = known.filter((id) => re.test(id));
    if (matched.length === 0) throw new UsageError(`--property ${quoted(value)} matches no property ID (known: ${known.join(', ')})`);
    for (const id of matched) ids.add(id);
  }
  return [...ids];
}
