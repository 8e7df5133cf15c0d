/**
 * `optscale-ai`: one-shot commands next to the long-running platform (`main.ts`).
 *
 *   optscale-ai import <config.yaml>   apply a config file to the relational store
 *   optscale-ai help
 *
 * Plain argv parsing on purpose: two commands do not justify a framework, and the exit codes and
 * messages stay obvious. Exit codes: 0 done, 1 the command failed, 2 bad usage.
 */
import { ImportError, formatSummary, importConfig, isNoop, openStore } from '@optscale/config-import';
import { migrate } from '@optscale/database';
import { ConfigError, loadConfigFile } from '@optscale/gateway-service';

const USAGE = `Usage:
  optscale-ai import <config.yaml>   Create or update the organizations, providers, users and keys
                                     of a config file in the database. Nothing absent from the
                                     file is deleted; deletions happen in the admin API.
  optscale-ai help                   Show this help.

Database: DATABASE_URL (a Postgres server) when set, otherwise the embedded database in
$OPTSCALE_DATA_DIR/postgres (default ./.optscale/postgres).
Credential encryption key: OPTSCALE_KEK or OPTSCALE_KEK_FILE; with the embedded database and
neither set, $OPTSCALE_DATA_DIR/kek (created on first use).
`;

/** Bad command line: print the usage, exit 2. */
class UsageError extends Error {}

type Command = { name: 'help' } | { name: 'import'; file: string };

function parseArgs(args: readonly string[]): Command {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help' };
    case 'import': {
      if (rest.length !== 1 || rest[0] === undefined || rest[0].startsWith('-')) {
        throw new UsageError('import takes exactly one argument: the config file');
      }
      return { name: 'import', file: rest[0] };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function runImport(file: string): Promise<void> {
  // Validate the file before opening (and possibly creating) any database.
  const config = loadConfigFile(file);
  const store = await openStore(process.env);
  try {
    const applied = await migrate(store.dataSource);
    if (applied.length > 0) process.stdout.write(`Applied ${applied.length} migration(s).\n`);
    const summary = await importConfig(store.dataSource, config, { keyring: store.keyring });
    const verdict = isNoop(summary) ? 'nothing to change' : 'applied';
    process.stdout.write(`Imported ${file} into ${store.location}: ${verdict}.\n${formatSummary(summary)}\n`);
  } finally {
    await store.close();
  }
}

async function main(args: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`optscale-ai: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  switch (command.name) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'import':
      await runImport(command.file);
      return 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Config and import errors are written for the operator; anything else still gets its message only.
    const known = error instanceof ConfigError || error instanceof ImportError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`optscale-ai: ${known ? '' : 'failed: '}${message}\n`);
    process.exit(1);
  },
);
