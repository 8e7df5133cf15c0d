import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configFileSchema, type ConfigFile } from './config-file';

export class ConfigError extends Error {}

/**
 * Replace `${NAME}` with the environment value (`${NAME:-default}` for a default). A missing
 * variable without a default is an error naming the variable, never its neighbours' values.
 */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv): string {
  const missing = new Set<string>();
  const out = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_m, name: string, def?: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (def !== undefined) return def;
      missing.add(name);
      return '';
    },
  );
  if (missing.size > 0) {
    throw new ConfigError(`config refers to unset environment variables: ${[...missing].join(', ')}`);
  }
  return out;
}

/** Parse and validate config text. Errors name the bad paths, never the values. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env): ConfigFile {
  let raw: unknown;
  try {
    raw = parse(interpolateEnv(text, env));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`config is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  const result = configFileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid config:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseConfig(text, env);
}
