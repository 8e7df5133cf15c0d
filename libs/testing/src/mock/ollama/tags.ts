import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { MockContext } from '../dialect';
import { sendJson } from '../http';
import { jsonHeaders } from './common';

const MODIFIED_AT = '2025-07-07T20:22:19.101Z';

/** A local model entry as `/api/tags` lists it. */
function localModel(name: string): Record<string, unknown> {
  const family = (name.split(':')[0] ?? name).replace(/[\d.]+$/, '') || name;
  const tag = name.split(':')[1] ?? 'latest';
  return {
    name,
    model: name,
    modified_at: MODIFIED_AT,
    size: 4_920_753_328,
    digest: createHash('sha256').update(name).digest('hex'),
    details: {
      parent_model: '',
      format: 'gguf',
      family,
      families: [family],
      parameter_size: /^\d+(\.\d+)?b$/i.test(tag) ? tag.toUpperCase() : '8.0B',
      quantization_level: 'Q4_K_M',
    },
  };
}

/** `GET /api/tags`. */
export function handleTags(res: ServerResponse, ctx: MockContext): void {
  sendJson(res, 200, { models: ctx.models.map(localModel) }, jsonHeaders);
}
