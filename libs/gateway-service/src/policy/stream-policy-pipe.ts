import { StreamGuard } from '@optscale/guardrails';
import type { PolicyEvaluation } from '@optscale/contracts';
import { runsAt, type CompiledPolicy } from './compiled-policies';
import type { Placeholder } from './evaluate-texts';
import type { PipeResult, TextPipe } from './stream-rewriter';

type GuardResult = ReturnType<StreamGuard['push']>;

/**
 * One sampled output policy on one streamed text channel: its output guardrails behind a
 * StreamGuard, which holds back only a tail that could still become a match. Updates the policy's
 * evaluation record as it goes (the record stage reads it once the stream is over). The time budget
 * counts the guard's own work only, summed over the stream.
 */
export class StreamPolicyPipe implements TextPipe {
  private readonly guard: StreamGuard;
  private off = false;

  constructor(
    private readonly policy: CompiledPolicy,
    private readonly evaluation: PolicyEvaluation,
    placeholder: Placeholder,
    private readonly now: () => number,
  ) {
    const guardrails = policy.guardrails.filter((g) => runsAt(g.snapshot.stage, 'output'));
    // The guard reports blocks and warnings; a redaction shows as a call for a placeholder.
    const noting: Placeholder = (entity, value) => {
      this.noteRedaction(entity);
      return placeholder(entity, value);
    };
    this.guard = new StreamGuard(guardrails, { placeholder: noting });
    for (const g of guardrails) {
      if (evaluation.guardrails.some((r) => r.guardrailId === g.snapshot.id)) continue;
      evaluation.guardrails.push({
        guardrailId: g.snapshot.id,
        guardrailName: g.snapshot.name,
        violated: false,
        score: 0,
        entities: [],
      });
    }
  }

  push(text: string): PipeResult {
    if (this.off) return { text };
    return this.timed(() => this.guard.push(text));
  }

  end(): PipeResult {
    if (this.off) return { text: '' };
    this.off = true;
    return this.timed(() => this.guard.end());
  }

  private timed(run: () => GuardResult): PipeResult {
    const started = this.now();
    const result = run();
    const e = this.evaluation;
    e.latencyMs = Math.round((e.latencyMs + this.now() - started) * 1000) / 1000;
    const out = this.account(result);
    const p = this.policy.snapshot;
    if (out.blocked === undefined && !this.off && e.latencyMs > p.timeoutMs) {
      e.timedOut = true;
      if (!p.passOnTimeout) {
        return {
          text: '',
          blocked: `policy "${p.name}" did not finish its output evaluation within ${p.timeoutMs} ms`,
        };
      }
      // Pass on timeout: let the rest of the answer through unguarded, held-back text first.
      const rest = this.guard.end();
      this.off = true;
      return { text: out.text + rest.text };
    }
    return out;
  }

  private account(result: GuardResult): PipeResult {
    const e = this.evaluation;
    const v = result.violation;
    if (v === undefined) return { text: result.text };
    this.note(v.guardrailId, v.entity, 1);
    if (v.action === 'warn') {
      if (e.action === 'none') e.action = 'warn';
      return { text: result.text };
    }
    e.action = 'block';
    const name =
      this.policy.guardrails.find((g) => g.snapshot.id === v.guardrailId)?.snapshot.name ?? v.guardrailId;
    return {
      text: '',
      blocked: `response blocked by policy "${this.policy.snapshot.name}": guardrail "${name}" found ${v.entity}`,
    };
  }

  /**
   * Which redacting guardrail found the entity: the PII one listing it (or its custom pattern), else
   * the first redacting guardrail that is not PII (secrets name their own kinds).
   */
  private noteRedaction(entity: string): void {
    const redacting = this.policy.guardrails.filter(
      (g) => g.snapshot.action === 'redact' && runsAt(g.snapshot.stage, 'output'),
    );
    const owner =
      redacting.find((g) => {
        const st = g.snapshot.settings;
        return (
          st.type === 'pii' &&
          (st.entities.some((x) => x === entity) || st.customPatterns.some((c) => c.name === entity))
        );
      }) ??
      redacting.find((g) => g.snapshot.settings.type !== 'pii') ??
      redacting[0];
    if (owner === undefined) return;
    // A redaction is a finding at or above the threshold; the stream guard gives no finer score.
    this.note(owner.snapshot.id, entity, 1);
    if (this.evaluation.action === 'none' || this.evaluation.action === 'warn')
      this.evaluation.action = 'redact';
  }

  private note(guardrailId: string, entity: string, score: number): void {
    const e = this.evaluation;
    e.matched = true;
    e.violated = true;
    const g = e.guardrails.find((r) => r.guardrailId === guardrailId);
    if (g === undefined) return;
    g.violated = true;
    g.score = Math.max(g.score, score);
    if (!g.entities.includes(entity)) g.entities.push(entity);
  }
}

/** Pipes in a row: each sees what the previous one let out. */
export function chainPipes(pipes: readonly TextPipe[]): TextPipe {
  return {
    push(text) {
      let carry = text;
      for (const pipe of pipes) {
        const r = pipe.push(carry);
        if (r.blocked !== undefined) return r;
        carry = r.text;
      }
      return { text: carry };
    },
    end() {
      let carry = '';
      for (const pipe of pipes) {
        const pushed = carry === '' ? { text: '' } : pipe.push(carry);
        if (pushed.blocked !== undefined) return pushed;
        const ended = pipe.end();
        if (ended.blocked !== undefined) return ended;
        carry = pushed.text + ended.text;
      }
      return { text: carry };
    },
  };
}
