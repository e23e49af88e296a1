import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '@hiodkit/core';
import { readHostFile, type HostDescription } from './host-file.js';

/** The hosts that ship with the CLI (hosts/*.json), used when `check` is given no host. */
export const SAMPLE_HOSTS_DIR = new URL('../hosts/', import.meta.url);

export interface SampleHost {
  readonly id: string;
  readonly host: HostDescription;
}

export function sampleHosts(): SampleHost[] {
  return readdirSync(SAMPLE_HOSTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const path = fileURLToPath(new URL(file, SAMPLE_HOSTS_DIR));
      try {
        return { id: file.replace(/\.json$/, ''), host: readHostFile(path) };
      } catch (e) {
        if (e instanceof InputError) throw new InputError(`hosts/${file} ${e.path}`, e.reason);
        throw e;
      }
    });
}
