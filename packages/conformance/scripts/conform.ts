// `pnpm conform`: the kit against the built-in checkers, with a readable report; exit 0 iff all conform.
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { formatReport, runConformance } from '../src/index.js';

let conformant = true;
for (const plugin of [vtdPlugin('seed'), stubPlugin('seed')]) {
  const report = runConformance(plugin);
  console.log(`${formatReport(report)}\n`);
  conformant &&= report.conformant;
}
process.exitCode = conformant ? 0 : 1;
