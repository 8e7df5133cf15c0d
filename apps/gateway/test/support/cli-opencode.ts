import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENCODE_BIN, isolatedEnv, runCli, type CliResult } from './cli-process';

/**
 * How the OpenCode e2e tests start `opencode run` (opencode-ai 1.18.33): a project directory with
 * the `opencode.json` of PRODUCT.md 9.4 (provider `optscale` through `@ai-sdk/openai-compatible`,
 * which this version bundles: nothing is installed at run time), a fresh HOME and XDG dirs, and
 * every download and update switched off.
 */
export interface OpenCodeRun {
  /** `options.baseURL`: `…/llm_proxy/<org>/v1`. */
  baseUrl: string;
  key: string;
  /** The gateway model id, e.g. `openai/gpt-4.1`; OpenCode names it `optscale/<id>`. */
  model: string;
  prompt: string;
  home: string;
  /** The project directory; `opencode.json` is written into it. */
  cwd: string;
  proxyUrl: string;
  /** A session title: OpenCode then skips its title-generation call. */
  title?: string;
  timeoutMs: number;
}

/** The `opencode.json` a user would write (PRODUCT.md 9.4), the key taken from the environment. */
export function openCodeConfig(baseUrl: string, model: string): Record<string, unknown> {
  return {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      optscale: {
        npm: '@ai-sdk/openai-compatible',
        name: 'OptScale AI',
        options: { baseURL: baseUrl, apiKey: '{env:OPTSCALE_API_KEY}' },
        models: { [model]: { name: `${model} (OptScale)`, limit: { context: 128000, output: 16000 } } },
      },
    },
    model: `optscale/${model}`,
    small_model: `optscale/${model}`,
    autoupdate: false,
    share: 'disabled',
  };
}

export function runOpenCode(run: OpenCodeRun): Promise<CliResult> {
  writeFileSync(
    join(run.cwd, 'opencode.json'),
    JSON.stringify(openCodeConfig(run.baseUrl, run.model), null, 2),
  );
  const env: Record<string, string> = {
    ...isolatedEnv(run.home, run.proxyUrl),
    OPTSCALE_API_KEY: run.key,
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    // No models.dev catalogue download: the custom provider lists its own models and limits.
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    // Do not pick up Claude Code's files (there are none in the fresh HOME anyway).
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
  };
  return runCli({
    command: OPENCODE_BIN,
    // --pure: no external plugins; --format json: one JSON event per line.
    args: ['run', run.prompt, '--pure', '--format', 'json', ...(run.title ? ['--title', run.title] : [])],
    cwd: run.cwd,
    env,
    timeoutMs: run.timeoutMs,
  });
}

/** One line of `opencode run --format json`. */
export interface OpenCodeEvent {
  type: string;
  sessionID?: string;
  part?: {
    type?: string;
    text?: string;
    tool?: string;
    state?: { status?: string; input?: unknown; output?: string; error?: string };
  };
  error?: unknown;
}

export interface OpenCodeOutput {
  events: OpenCodeEvent[];
  /** The assistant's text parts, joined. */
  text: string;
  sessionId: string | undefined;
}

export function parseOpenCodeOutput(cli: CliResult): OpenCodeOutput {
  const events: OpenCodeEvent[] = [];
  for (const line of cli.stdout.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      events.push(JSON.parse(t) as OpenCodeEvent);
    } catch {
      // Not an event line.
    }
  }
  const text = events
    .filter((e) => e.type === 'text' && typeof e.part?.text === 'string')
    .map((e) => e.part!.text)
    .join('');
  return { events, text, sessionId: events.find((e) => e.sessionID)?.sessionID };
}
