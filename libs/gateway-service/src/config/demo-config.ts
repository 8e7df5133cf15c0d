import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey } from '../auth/key-hash';
import type { ConfigFile } from './config-file';

export interface DemoInstallation {
  config: ConfigFile;
  organizationId: string;
  /** The demo user's key; printed on the first start only. */
  key: string;
  created: boolean;
  file: string;
}

/**
 * With no config file, a demo organization: OpenAI, Anthropic (credentials from OPENAI_API_KEY /
 * ANTHROPIC_API_KEY, base URLs overridable) and a local Ollama, one admin with access to all of
 * them, and a generated key. Its id and key are kept in the data folder (mode 0600) so they survive
 * restarts.
 */
export function demoInstallation(dataDir: string, env: NodeJS.ProcessEnv = process.env): DemoInstallation {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'demo.json');
  let created = false;
  let saved: { organizationId: string; key: string };
  if (existsSync(file)) {
    saved = JSON.parse(readFileSync(file, 'utf8')) as { organizationId: string; key: string };
  } else {
    saved = { organizationId: randomUUID(), key: generateKey() };
    writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
    created = true;
  }
  const config: ConfigFile = {
    organizations: [
      {
        id: saved.organizationId,
        name: 'Demo organization',
        currency: 'USD',
        providers: [
          {
            name: 'OpenAI',
            proxy_name: 'openai',
            api_type: 'openai',
            base_url: env['OPENAI_BASE_URL'] ?? 'https://api.openai.com/v1',
            api_key: env['OPENAI_API_KEY'] ?? '',
            status: 'active',
            models: ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'],
          },
          {
            name: 'Anthropic',
            proxy_name: 'anthropic',
            api_type: 'anthropic',
            base_url: env['ANTHROPIC_BASE_URL'] ?? 'https://api.anthropic.com',
            api_key: env['ANTHROPIC_API_KEY'] ?? '',
            status: 'active',
            models: ['claude-sonnet-4-6', 'claude-opus-4-6', 'claude-haiku-4-5'],
          },
          {
            name: 'Ollama (local)',
            proxy_name: 'ollama',
            api_type: 'ollama',
            base_url: env['OLLAMA_BASE_URL'] ?? 'http://127.0.0.1:11434',
            api_key: '',
            status: 'active',
            models: [],
          },
        ],
        users: [
          {
            email: 'admin@demo.example',
            role: 'admin',
            allowed_providers: ['openai', 'anthropic', 'ollama'],
            keys: [{ name: 'demo', value: saved.key, active: true }],
          },
        ],
      },
    ],
  };
  return { config, organizationId: saved.organizationId, key: saved.key, created, file };
}
