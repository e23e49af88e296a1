import picocolors from 'picocolors';
import type { PropertyStatus, ReportStyle } from '@hiodkit/conformance';

/**
 * Whether text for a stream may carry colour: never with NO_COLOR (non-empty) or TERM=dumb; with
 * FORCE_COLOR (but 0 or false) even into a pipe or file; otherwise only onto a terminal.
 */
export function colourWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return isTTY;
}

/** A terminal that can take escape codes at all: TERM=dumb cannot, whatever else is set. */
export function escapesAllowed(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return isTTY && env['TERM'] !== 'dumb';
}

/** PASS green, FAIL and XPASS red (both fail the run), XFAIL yellow, the rest dim; the verdict green or red. */
export function reportStyle(enabled: boolean): ReportStyle {
  const c = picocolors.createColors(enabled);
  const paint: Record<PropertyStatus, (text: string) => string> = {
    passed: c.green,
    failed: (t) => c.bold(c.red(t)),
    'unexpected-pass': (t) => c.bold(c.red(t)),
    'known-failure': c.yellow,
    'known-failure-not-found': c.yellow,
    'not-applicable': c.dim,
  };
  return {
    status: (status, mark) => paint[status](mark),
    verdict: (conformant, text) => (conformant ? c.bold(c.green(text)) : c.bold(c.red(text))),
  };
}
