// The shared Jenkins fixtures (../shared/fixtures/jenkins, beside the repository).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/jenkins');

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(resolve(dir, name), 'utf8'));
}
