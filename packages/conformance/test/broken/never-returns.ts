// A plugin that is right except that some calls never return: loaded by module into a worker.
import type { CheckerPlugin } from '@hiodkit/core';
import { seedChecker } from './seed-checker.js';

const correct = seedChecker('never-returns');

export const plugin: CheckerPlugin = {
  ...correct,
  check(s, d) {
    if (d.caps.type === 3 || d.caps.type >= 0x8000_0000) for (;;);
    return correct.check(s, d);
  },
};
