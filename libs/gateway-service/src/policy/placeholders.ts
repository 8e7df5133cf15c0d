import { createHmac, randomBytes } from 'node:crypto';
import { placeholderFor } from '@optscale/guardrails';
import type { Placeholder } from './evaluate-texts';
import type { PipeResult, TextPipe } from './stream-rewriter';

/**
 * The process secret placeholders are derived from. Placeholders are deterministic per value, so a
 * conversation redacted on every turn keeps the same prefix (prompt caching keeps working); set
 * OPTSCALE_REDACTION_SECRET to the same value on every replica so turns served by different replicas
 * agree too. Without it each process draws its own. Read on first use, so an entry point can set it
 * first (the embedded platform keeps one in its data folder, so restarts agree).
 */
let drawn: string | undefined;
function processSecret(): string {
  drawn ??= process.env['OPTSCALE_REDACTION_SECRET'] ?? randomBytes(32).toString('hex');
  return drawn;
}

/** One organization's placeholder secret: another organization's placeholders reveal nothing of it. */
export function organizationSecret(organizationId: string, secret = processSecret()): string {
  return createHmac('sha256', secret).update(`optscale.redaction:${organizationId}`).digest('hex');
}

/**
 * Placeholders of one request. Those made for a reversible policy are remembered, to put the
 * user's own values back into the answer (the provider never saw them).
 */
export class RequestPlaceholders {
  readonly restorable = new Map<string, string>();

  constructor(private readonly secret: string) {}

  maker(reversible: boolean): Placeholder {
    return (entity: string, value: string): string => {
      const placeholder = placeholderFor(entity, value, this.secret);
      if (reversible) this.restorable.set(placeholder, value);
      return placeholder;
    };
  }

  restore(text: string): string {
    let out = text;
    for (const [placeholder, value] of this.restorable) {
      if (out.includes(placeholder)) out = out.split(placeholder).join(value);
    }
    return out;
  }

  /** A stream pipe that restores placeholders, even split across deltas. */
  restorer(): TextPipe {
    return new PlaceholderRestorer(this);
  }
}

/** Holds back only a tail that could be the start of a placeholder. */
class PlaceholderRestorer implements TextPipe {
  private held = '';
  private readonly longest: number;

  constructor(private readonly placeholders: RequestPlaceholders) {
    this.longest = Math.max(0, ...[...placeholders.restorable.keys()].map((p) => p.length));
  }

  push(text: string): PipeResult {
    const all = this.held + text;
    const keep = this.pendingTail(all);
    this.held = all.slice(all.length - keep);
    return { text: this.placeholders.restore(all.slice(0, all.length - keep)) };
  }

  end(): PipeResult {
    const text = this.placeholders.restore(this.held);
    this.held = '';
    return { text };
  }

  private pendingTail(text: string): number {
    for (let k = Math.min(this.longest - 1, text.length); k > 0; k--) {
      const tail = text.slice(text.length - k);
      for (const p of this.placeholders.restorable.keys()) if (p.startsWith(tail)) return k;
    }
    return 0;
  }
}
