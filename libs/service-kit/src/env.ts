import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export class InvalidEnvironmentError extends Error {
  constructor(readonly variables: readonly string[]) {
    super(`invalid environment: ${variables.join(', ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Parses an app's environment with its one zod schema (STYLE.md 4). For every variable of the
 * schema, `NAME_FILE` supplies `NAME` from a file (mounted secrets) when `NAME` itself is unset.
 * Only the schema's own names are considered, so unrelated `*_FILE` variables of the machine are
 * left alone. Errors name the variables, never their values.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): z.output<S> {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const name of Object.keys(schema.shape)) {
    const file = env[`${name}_FILE`];
    if (!file || resolved[name] !== undefined) continue;
    try {
      resolved[name] = readFile(file).trim();
    } catch {
      throw new InvalidEnvironmentError([`${name}_FILE (cannot be read)`]);
    }
  }
  const result = schema.safeParse(resolved);
  if (!result.success) {
    throw new InvalidEnvironmentError([...new Set(result.error.issues.map((i) => i.path.join('.')))]);
  }
  return result.data;
}
