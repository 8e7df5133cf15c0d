import { defineRoute } from '@optscale/admin-api';
import { z } from 'zod';

export const connectResponseSchema = z.object({
  organization_id: z.string(),
  base_urls: z.object({ openai: z.string(), anthropic: z.string(), cursor: z.string() }),
  /** The user's active keys, by prefix: the plaintext was shown once, at creation. */
  keys: z.array(z.object({ id: z.string(), name: z.string(), prefix: z.string() })),
  key_hint: z.string(),
  /** Where to POST for a new key (the response of that call holds the plaintext). */
  create_key_path: z.string(),
  /** `<proxy_name>/<model>` for every model of the user's allowed, active providers. */
  models: z.array(z.string()),
  selected_model: z.string().nullable(),
  note: z.string(),
  snippets: z.object({
    curl: z.string(),
    openai_python: z.string(),
    claude_code_settings: z.string(),
    opencode: z.string(),
    cursor: z.string(),
  }),
});

export const connectRoutes = {
  connect: defineRoute({
    method: 'GET',
    path: '/me/connect',
    summary: 'Values and snippets to connect external tools (Chat: "Connect this model")',
    description:
      '`provider` (a proxy name) and `model` select the model the snippets use; by default the first one the user may call.',
    tag: 'Chat',
    access: 'authenticated',
    query: z.object({
      provider: z.string().trim().min(1).max(64).optional(),
      model: z.string().trim().min(1).max(255).optional(),
    }),
    response: connectResponseSchema,
  }),
};
