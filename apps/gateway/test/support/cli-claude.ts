import { join } from 'node:path';
import { CLAUDE_CLI_JS, isolatedEnv, runCli, type CliResult } from './cli-process';

/**
 * How the Claude Code e2e tests start `claude -p` (2.1.48): pointed at the gateway's `/anthropic`
 * surface with a gateway key, every model tier mapped to one gateway model id (PRODUCT.md 9.1),
 * retries, updates, telemetry and non-essential calls off, in a fresh HOME.
 */
export interface ClaudeRun {
  /** `ANTHROPIC_BASE_URL`: `…/llm_proxy/<org>/anthropic`. */
  baseUrl: string;
  key: string;
  /** A gateway model id, e.g. `anthropic/claude-sonnet-4-6`, used for every tier. */
  model: string;
  prompt: string;
  home: string;
  cwd: string;
  /** URL of the refusing HTTP(S) proxy that keeps the CLI offline. */
  proxyUrl: string;
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
  timeoutMs: number;
}

/** The one JSON object `claude -p --output-format json` prints. */
export interface ClaudeJsonResult {
  type: string;
  subtype: string;
  is_error: boolean;
  num_turns: number;
  result: string;
  session_id: string;
  permission_denials: unknown[];
}

export function runClaude(run: ClaudeRun): Promise<CliResult> {
  const env: Record<string, string> = {
    ...isolatedEnv(run.home, run.proxyUrl),
    CLAUDE_CONFIG_DIR: join(run.home, '.claude'),
    ANTHROPIC_BASE_URL: run.baseUrl,
    ANTHROPIC_AUTH_TOKEN: run.key,
    ANTHROPIC_MODEL: run.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: run.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: run.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: run.model,
    CLAUDE_CODE_MAX_RETRIES: '0',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_NON_ESSENTIAL_MODEL_CALLS: '1',
    ...run.extraEnv,
  };
  return runCli({
    command: process.execPath,
    args: [
      CLAUDE_CLI_JS,
      '-p',
      run.prompt,
      '--output-format',
      'json',
      '--max-turns',
      '4',
      ...(run.extraArgs ?? []),
    ],
    cwd: run.cwd,
    env,
    timeoutMs: run.timeoutMs,
  });
}

/** The result object, or an error that shows everything the CLI printed. */
export function claudeResult(cli: CliResult): ClaudeJsonResult {
  const line = cli.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{'));
  let parsed: ClaudeJsonResult | undefined;
  try {
    parsed = line ? (JSON.parse(line) as ClaudeJsonResult) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.type !== 'result')
    throw new Error(`claude printed no JSON result\n${cli.describe()}`);
  if (parsed.is_error || cli.exitCode !== 0) {
    throw new Error(`claude reported an error: ${parsed.subtype}: ${parsed.result}\n${cli.describe()}`);
  }
  return parsed;
}

/**
 * The session a Claude Code request belongs to: the `x-claude-code-session-id` header where the
 * version sends it, else the `session_<uuid>` part of `metadata.user_id` (2.1.48 sends only that:
 * `user_<hex>_account_<uuid?>_session_<uuid>`, or a JSON string with `session_id` in newer builds).
 */
export function claudeSessionOf(headers: Record<string, unknown>, json: unknown): string | undefined {
  const header = headers['x-claude-code-session-id'];
  if (typeof header === 'string' && header) return header;
  const userId = (json as { metadata?: { user_id?: unknown } } | undefined)?.metadata?.user_id;
  if (typeof userId !== 'string') return undefined;
  const legacy = /_session_([0-9a-f-]{36})$/i.exec(userId);
  if (legacy) return legacy[1];
  try {
    const parsed = JSON.parse(userId) as { session_id?: unknown };
    return typeof parsed.session_id === 'string' ? parsed.session_id : undefined;
  } catch {
    return undefined;
  }
}
