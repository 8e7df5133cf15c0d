import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockProvider, type MockProvider } from '@optscale/testing';
import {
  MemoryEventSink,
  generateKey,
  parseGatewayEnv,
  startGateway,
  StaticConfigSource,
  type ConfigFile,
  type RunningGateway,
} from '@optscale/gateway-service';

export const ORG_ID = '7d0c2a4e-0000-4000-8000-000000000001';
export const OTHER_ORG_ID = '7d0c2a4e-0000-4000-8000-000000000002';

/** The provider connections of the test organization, one per provider type, each on its mock. */
export const PROVIDERS = {
  openai: {
    kind: 'openai',
    apiType: 'openai',
    models: ['gpt-4.1', 'gpt-4.1-mini', 'text-embedding-3-small'],
  },
  anthropic: { kind: 'anthropic', apiType: 'anthropic', models: ['claude-sonnet-4-6', 'claude-haiku-4-5'] },
  gemini: { kind: 'gemini', apiType: 'gemini', models: ['gemini-2.5-flash', 'text-embedding-004'] },
  ollama: { kind: 'ollama', apiType: 'ollama', models: ['llama3.2', 'qwen3:32b', 'nomic-embed-text'] },
  compat: { kind: 'openai', apiType: 'openai-compatible', models: ['deepseek-chat'] },
  azure: { kind: 'azure', apiType: 'azure-openai', models: ['gpt-4o-deployment'] },
} as const;
export type ProviderName = keyof typeof PROVIDERS;

/** A model of each provider, as a client names it. */
export const MODEL_OF: Record<ProviderName, string> = {
  openai: 'openai/gpt-4.1',
  anthropic: 'anthropic/claude-sonnet-4-6',
  gemini: 'gemini/gemini-2.5-flash',
  ollama: 'ollama/llama3.2',
  compat: 'compat/deepseek-chat',
  azure: 'azure/gpt-4o-deployment',
};

export interface TestStack {
  gateway: RunningGateway;
  events: MemoryEventSink;
  mocks: Record<ProviderName, MockProvider>;
  /** Key of a user allowed every provider. */
  key: string;
  /** Key of a user allowed only `openai`. */
  restrictedKey: string;
  revokedKey: string;
  otherOrgKey: string;
  /** `http://127.0.0.1:<port>/llm_proxy/<org>` */
  base: string;
  close(): Promise<void>;
}

/** Mock providers of every kind, and a gateway in this process configured to reach them. */
export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const mocks = {} as Record<ProviderName, MockProvider>;
  for (const [name, p] of Object.entries(PROVIDERS) as Array<
    [ProviderName, (typeof PROVIDERS)[ProviderName]]
  >) {
    mocks[name] = await startMockProvider(p.kind, { models: [...p.models], apiKey: `upstream-${name}` });
  }
  const key = generateKey();
  const restrictedKey = generateKey();
  const revokedKey = generateKey();
  const otherOrgKey = generateKey();
  const config: ConfigFile = {
    organizations: [
      {
        id: ORG_ID,
        name: 'Sunflower corporation',
        currency: 'USD',
        providers: (Object.keys(PROVIDERS) as ProviderName[]).map((name) => ({
          name,
          proxy_name: name,
          api_type: PROVIDERS[name].apiType,
          base_url: mocks[name].url,
          api_key: `upstream-${name}`,
          status: 'active' as const,
          models: [...PROVIDERS[name].models],
        })),
        users: [
          {
            email: 'dev@sunflower.example',
            role: 'member',
            allowed_providers: Object.keys(PROVIDERS),
            keys: [
              { name: 'laptop', value: key, active: true },
              { name: 'old', value: revokedKey, active: false },
            ],
          },
          {
            email: 'intern@sunflower.example',
            role: 'member',
            allowed_providers: ['openai'],
            keys: [{ name: 'intern', value: restrictedKey, active: true }],
          },
        ],
      },
      {
        id: OTHER_ORG_ID,
        name: 'Other corporation',
        currency: 'EUR',
        providers: [],
        users: [
          {
            email: 'x@other.example',
            role: 'admin',
            allowed_providers: [],
            keys: [{ name: 'k', value: otherOrgKey, active: true }],
          },
        ],
      },
    ],
  };
  const events = new MemoryEventSink();
  const dataDir = mkdtempSync(join(tmpdir(), 'optscale-e2e-'));
  const gatewayEnv = parseGatewayEnv({
    PORT: '0',
    OPTSCALE_DATA_DIR: dataDir,
    OPTSCALE_REQUEST_LOG: 'false',
    SHUTDOWN_GRACE_MS: '1000',
    ...env,
  });
  const gateway = await startGateway(gatewayEnv, new StaticConfigSource(config), { sinks: [events] });
  return {
    gateway,
    events,
    mocks,
    key,
    restrictedKey,
    revokedKey,
    otherOrgKey,
    base: `${gateway.url}/llm_proxy/${ORG_ID}`,
    close: async () => {
      await gateway.close();
      await Promise.all(Object.values(mocks).map((m) => m.close()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
