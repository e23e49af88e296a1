import { terminalText, type ProgressEvent } from '@hiodkit/conformance';
import { escapesAllowed } from './colour.js';
import type { CliIo } from './io.js';

/** A live "[3/8] plugin: property" line on a terminal; nothing when not a TTY, under TERM=dumb (it redraws with escape codes) or under CI. */
export function progressLine(io: CliIo, label: string): { onProgress?: (event: ProgressEvent) => void; done(): void } {
  const live = escapesAllowed(io.env, io.isTTY) && (io.env['CI'] === undefined || io.env['CI'] === '' || io.env['CI'] === 'false');
  if (!live) return { done() {} };
  let shown = false;
  return {
    onProgress(event) {
      if (event.kind !== 'start') return;
      io.stderr(`\r\u001b[2K[${event.index + 1}/${event.total}] ${terminalText(label, 120)}: ${event.property}…`);
      shown = true;
    },
    done() {
      if (shown) io.stderr('\r\u001b[2K');
    },
  };
}
