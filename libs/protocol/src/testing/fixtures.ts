import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file that holds turbo.json. */
function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('turbo.json not found above ' + __dirname);
    dir = parent;
  }
}

/** The text of a golden wire fixture (`shared/fixtures/wire/<name>`, next to the repository). */
export function readFixture(name: string): string {
  return readFileSync(join(repoRoot(), '..', 'shared', 'fixtures', 'wire', name), 'utf8');
}

/** A golden wire fixture parsed as JSON. */
export function readJsonFixture(name: string): unknown {
  return JSON.parse(readFixture(name)) as unknown;
}
