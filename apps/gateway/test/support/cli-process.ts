import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Running the real coding CLIs (Claude Code, OpenCode) as child processes in the e2e tests:
 * isolated from the user's config (temp HOME and XDG dirs), no stdin, a hard deadline, and the
 * whole process group killed afterwards so no tool subprocess outlives the test.
 */

export const REPO_ROOT = resolve(__dirname, '../../../..');
/** `@anthropic-ai/claude-code`'s entry point, run with this process's Node. */
export const CLAUDE_CLI_JS = join(REPO_ROOT, 'node_modules/@anthropic-ai/claude-code/cli.js');
/** `opencode-ai`'s native binary. */
export const OPENCODE_BIN = join(REPO_ROOT, 'node_modules/opencode-ai/bin/opencode.exe');

/** Throws a precise error (never a skip) when a CLI is not installed. */
export function requireInstalled(path: string, pkg: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `${pkg} is not installed: ${path} does not exist (it is a root devDependency; run npm ci at the repo root)`,
    );
  }
}

export interface CliRun {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment: nothing is inherited from the test process. */
  env: Record<string, string>;
  /** The process group is killed (SIGKILL) after this long. */
  timeoutMs: number;
}

export interface CliResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** For failure messages. */
  describe(): string;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole group (the CLI is spawned detached, so it leads its own group).
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Kills every CLI started by `runCli` that is still running (for `afterAll`). */
export function killRunningClis(): void {
  for (const child of running) killGroup(child);
  running.clear();
}

const tail = (s: string, n = 3000): string => (s.length > n ? `…${s.slice(-n)}` : s);

/** Runs a CLI to completion (or to its deadline); never rejects for a non-zero exit. */
export function runCli(run: CliRun): Promise<CliResult> {
  const startedAt = Date.now();
  return new Promise<CliResult>((resolvePromise, reject) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      env: run.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, run.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`could not start ${run.command}: ${error.message}`));
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      // Reap whatever the CLI left behind in its group (tool shells, watchers).
      killGroup(child);
      running.delete(child);
      const durationMs = Date.now() - startedAt;
      const describe = (): string =>
        [
          `${run.command} ${run.args.map((a) => JSON.stringify(a)).join(' ')}`,
          `cwd ${run.cwd}`,
          timedOut
            ? `KILLED after the ${run.timeoutMs} ms deadline`
            : `exit code ${String(exitCode)}${signal ? `, signal ${signal}` : ''} after ${durationMs} ms`,
          `--- stdout ---\n${tail(stdout)}`,
          `--- stderr ---\n${tail(stderr)}`,
        ].join('\n');
      resolvePromise({ exitCode, signal, timedOut, stdout, stderr, durationMs, describe });
    });
  });
}

/** Temp directories of one test file, removed together. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `optscale-${prefix}-`));
    this.dirs.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The environment every CLI run starts from: a fresh HOME with the XDG directories inside it,
 * CI mode, no colour, and HTTP(S) proxies pointing at `proxyUrl` (a refusing proxy that records
 * what was attempted) with loopback exempt, so nothing leaves the machine and the gateway on
 * 127.0.0.1 is reached directly.
 */
export function isolatedEnv(home: string, proxyUrl: string): Record<string, string> {
  const xdg = {
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local/state'),
  };
  for (const dir of Object.values(xdg)) mkdirSync(dir, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    USERPROFILE: home,
    TMPDIR: tmpdir(),
    LANG: 'C.UTF-8',
    ...xdg,
    CI: 'true',
    NO_COLOR: '1',
    TERM: 'dumb',
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
    npm_config_registry: `${proxyUrl}/npm-registry-blocked/`,
  };
}
