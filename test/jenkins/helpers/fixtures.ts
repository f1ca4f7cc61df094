// Recorded-shape Jenkins responses (see docs/jenkins.md §15), kept in the repository so the
// tests need nothing outside it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/jenkins');

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(resolve(dir, name), 'utf8'));
}
