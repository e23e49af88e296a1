import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { REGISTER_DOC, renderRegisterDoc } from './render-register-doc.js';

it('docs/VT-D-REGISTERS.md is the field table as decode and encode use it', () => {
  expect(readFileSync(REGISTER_DOC, 'utf8')).toBe(renderRegisterDoc());
});
