import type { PolicyEvaluation } from '@optscale/contracts';
import { jsonOutcome, type Outcome } from '../pipeline/outcome';
import type { RequestContext } from '../pipeline/request-context';
import type { ClientCodec } from '../transport/client-codecs';
import { runsAt } from './compiled-policies';
import { evaluateTexts, slotTexts } from './evaluate-texts';
import type { RequestPlaceholders } from './placeholders';
import type { AppliedPolicy } from './select-policies';
import { streamDialect } from './stream-dialects';
import { chainPipes, StreamPolicyPipe } from './stream-policy-pipe';
import { rewriteStream, type TextPipe } from './stream-rewriter';
import { responseTextSlots, type Json } from './text-slots';

/**
 * The output half of the policy stage, on the answer as the client will receive it (its own
 * dialect, forwarded or translated): output policies scan it, then placeholders of reversible
 * redactions are put back, so the user reads their own data while the provider never saw it.
 * A blocked whole answer becomes a 400 in the client's dialect (`response blocked by policy ...`):
 * not retryable, and the same status an input block gets; a blocked stream ends with the dialect's
 * in-band error event (the status is already sent).
 */
export class OutputPolicies {
  private constructor(
    private readonly ctx: RequestContext,
    private readonly codec: ClientCodec,
    private readonly applied: readonly AppliedPolicy[],
    private readonly placeholders: RequestPlaceholders,
    private readonly now: () => number,
  ) {}

  /** Undefined when the answer has nothing to go through. */
  static create(
    ctx: RequestContext,
    codec: ClientCodec,
    applied: readonly AppliedPolicy[],
    placeholders: RequestPlaceholders,
    now: () => number,
  ): OutputPolicies | undefined {
    const output = applied.filter((a) => runsAt(a.policy.snapshot.stage, 'output'));
    if (output.length === 0 && placeholders.restorable.size === 0) return undefined;
    return new OutputPolicies(ctx, codec, output, placeholders, now);
  }

  /** The answer through the output policies; errors from the provider pass untouched. */
  apply(outcome: Outcome): Outcome {
    if (outcome.status < 200 || outcome.status >= 300) return outcome;
    if (outcome.kind === 'stream') return { ...outcome, chunks: this.stream(outcome.chunks) };
    return this.whole(outcome);
  }

  private whole(outcome: Extract<Outcome, { kind: 'body' }>): Outcome {
    let body: Json;
    try {
      const parsed: unknown = JSON.parse(outcome.body.toString());
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return outcome;
      body = parsed as Json;
    } catch {
      return outcome;
    }
    const slots = responseTextSlots(this.codec.name, body);
    const result = evaluateTexts(this.applied, slotTexts(slots), {
      stage: 'output',
      // Output redactions are never restored: the provider wrote them, the client is not to see them.
      placeholder: () => this.placeholders.maker(false),
      now: this.now,
      record: this.record(),
    });
    if (result.block) {
      const b = result.block;
      const message = `response blocked by policy "${b.policyName}": guardrail "${b.guardrailName}" found ${b.entity}`;
      const err = this.codec.error(400, message, { requestId: this.ctx.requestId, code: 'policy_violation' });
      this.ctx.status = err.status;
      this.ctx.errorKind = 'invalid_request';
      this.ctx.errorMessage = message;
      return jsonOutcome(err.status, err.body);
    }
    let changed = result.changed;
    for (const slot of slots) {
      const restored = this.placeholders.restore(slot.text);
      if (restored !== slot.text) {
        slot.set(restored);
        changed = true;
      }
    }
    return changed ? { ...outcome, body: JSON.stringify(body) } : outcome;
  }

  private stream(chunks: AsyncIterable<string | Buffer>): AsyncIterable<string> {
    const record = this.record();
    const evaluations = this.applied.map((a) => {
      const e = bypassed(a);
      record.push(e);
      return e;
    });
    const newPipe = (): TextPipe => {
      const pipes: TextPipe[] = [];
      this.applied.forEach((a, i) => {
        const evaluation = evaluations[i];
        if (a.sampled && evaluation !== undefined) {
          pipes.push(new StreamPolicyPipe(a.policy, evaluation, this.placeholders.maker(false), this.now));
        }
      });
      if (this.placeholders.restorable.size > 0) pipes.push(this.placeholders.restorer());
      return chainPipes(pipes);
    };
    return this.noteBlock(rewriteStream(chunks, streamDialect(this.codec.name), newPipe));
  }

  /** A stream the policies ended is recorded as such (its status was 200). */
  private async *noteBlock(chunks: AsyncGenerator<string>): AsyncGenerator<string> {
    yield* chunks;
    const blocked = this.ctx.policies?.find((e) => e.stage === 'output' && e.action === 'block');
    if (blocked) {
      this.ctx.errorKind = 'policy_blocked';
      this.ctx.errorMessage = `response blocked by policy "${blocked.policyName}"`;
    }
  }

  private record(): PolicyEvaluation[] {
    return (this.ctx.policies ??= []);
  }
}

/** A stream's evaluation starts empty and fills in as the text goes by. */
function bypassed(a: AppliedPolicy): PolicyEvaluation {
  const p = a.policy.snapshot;
  return {
    policyId: p.id,
    policyName: p.name,
    stage: 'output',
    sampled: a.sampled,
    matched: false,
    violated: false,
    action: 'none',
    timedOut: false,
    latencyMs: 0,
    guardrails: [],
  };
}
