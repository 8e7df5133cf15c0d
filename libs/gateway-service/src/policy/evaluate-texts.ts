import { evaluateGuardrail, redactText, type CompiledGuardrail, type Finding } from '@optscale/guardrails';
import type { PolicyEvaluation } from '@optscale/contracts';
import { GatewayError } from '../pipeline/gateway-error';
import { runsAt, type EvaluationStage } from './compiled-policies';
import type { AppliedPolicy } from './select-policies';
import type { TextSlot } from './text-slots';

export type Placeholder = Parameters<typeof redactText>[2];

/** What stopped a request or an answer: named for the error message, never with the value. */
export interface PolicyBlock {
  policyName: string;
  guardrailName: string;
  entity: string;
}

export interface TextsOutcome {
  /** Some text was rewritten (the texts hold the new text). */
  changed: boolean;
  block?: PolicyBlock;
}

export interface EvaluateOptions {
  stage: EvaluationStage;
  /** The placeholder maker for a policy; reversible ones also remember what they replaced. */
  placeholder: (reversible: boolean) => Placeholder;
  now: () => number;
  /** Every evaluation is appended here as it starts, so a failure still leaves its record. */
  record: PolicyEvaluation[];
}

export interface Texts {
  get(i: number): string;
  set(i: number, text: string): void;
  readonly length: number;
}

/**
 * Runs the applied policies over some texts (prompt or whole answer), one policy after the other, so
 * each sees the previous one's redactions. Detectors are synchronous: the time budget is checked
 * between guardrails and between texts, which bounds an overrun to one detector over one text.
 */
export function evaluateTexts(
  applied: readonly AppliedPolicy[],
  texts: Texts,
  opts: EvaluateOptions,
): TextsOutcome {
  const out: TextsOutcome = { changed: false };
  for (const { policy, sampled } of applied) {
    const p = policy.snapshot;
    if (!runsAt(p.stage, opts.stage)) continue;
    const evaluation: PolicyEvaluation = {
      policyId: p.id,
      policyName: p.name,
      stage: opts.stage,
      sampled,
      matched: false,
      violated: false,
      action: 'none',
      timedOut: false,
      latencyMs: 0,
      guardrails: [],
    };
    opts.record.push(evaluation);
    if (!sampled) continue;
    const started = opts.now();
    const overrun = (): boolean => opts.now() - started > p.timeoutMs;
    /** Per text, the findings to redact. */
    const redactions = new Map<number, Finding[]>();
    let warned = false;
    for (const guardrail of policy.guardrails) {
      if (!runsAt(guardrail.snapshot.stage, opts.stage)) continue;
      if (overrun()) {
        evaluation.timedOut = true;
        break;
      }
      const result = scanGuardrail(guardrail, texts, overrun);
      evaluation.timedOut ||= result.timedOut;
      evaluation.guardrails.push({
        guardrailId: guardrail.snapshot.id,
        guardrailName: guardrail.snapshot.name,
        violated: result.violated,
        score: result.maxScore,
        entities: [...result.entities],
      });
      evaluation.matched ||= result.entities.size > 0;
      if (!result.violated) continue;
      evaluation.violated = true;
      const action = guardrail.snapshot.action;
      // A redact guardrail whose detector has no spans to mask (prompt injection, token limit)
      // cannot clean the text: it stops it instead of letting it through silently.
      if (action === 'block' || (action === 'redact' && !guardrail.redactable)) {
        out.block ??= {
          policyName: p.name,
          guardrailName: guardrail.snapshot.name,
          entity: result.firstEntity,
        };
        evaluation.action = 'block';
      } else if (action === 'redact') {
        for (const [i, findings] of result.violations)
          redactions.set(i, [...(redactions.get(i) ?? []), ...findings]);
      } else warned = true;
      if (result.timedOut) break;
    }
    evaluation.latencyMs = round(opts.now() - started);
    if (evaluation.timedOut && !p.passOnTimeout) {
      throw new GatewayError(
        'timeout',
        `policy "${p.name}" did not finish its ${opts.stage} evaluation within ${p.timeoutMs} ms (pass on timeout is off)`,
      );
    }
    if (evaluation.action === 'block') continue;
    for (const [i, findings] of redactions) {
      texts.set(
        i,
        redactText(texts.get(i), disjoint(findings), opts.placeholder(p.reversibleRedaction)).text,
      );
      out.changed = true;
    }
    if (redactions.size > 0) evaluation.action = 'redact';
    else if (warned) evaluation.action = 'warn';
  }
  return out;
}

interface GuardrailScan {
  violated: boolean;
  maxScore: number;
  entities: Set<string>;
  firstEntity: string;
  /** Text index → findings at or above the threshold. */
  violations: Map<number, Finding[]>;
  timedOut: boolean;
}

function scanGuardrail(guardrail: CompiledGuardrail, texts: Texts, overrun: () => boolean): GuardrailScan {
  const scan: GuardrailScan = {
    violated: false,
    maxScore: 0,
    entities: new Set(),
    firstEntity: guardrail.snapshot.settings.type,
    violations: new Map(),
    timedOut: false,
  };
  for (let i = 0; i < texts.length; i++) {
    if (i > 0 && overrun()) {
      scan.timedOut = true;
      break;
    }
    const result = evaluateGuardrail(guardrail, texts.get(i));
    scan.maxScore = Math.max(scan.maxScore, result.maxScore);
    for (const f of result.findings) scan.entities.add(f.entity);
    if (!result.violated) continue;
    const hits = result.findings.filter((f) => f.score >= guardrail.snapshot.threshold);
    if (!scan.violated) scan.firstEntity = hits[0]?.entity ?? result.findings[0]?.entity ?? scan.firstEntity;
    scan.violated = true;
    if (hits.length > 0) scan.violations.set(i, hits);
  }
  return scan;
}

/** Findings of several guardrails may overlap; the earliest (then longest) span wins. */
export function disjoint(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  let end = -1;
  for (const f of sorted) {
    if (f.start < end) continue;
    out.push(f);
    end = f.end;
  }
  return out;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** The texts of body slots: a rewrite edits the body in place. */
export function slotTexts(slots: readonly TextSlot[]): Texts {
  return {
    get: (i) => slots[i]?.text ?? '',
    set: (i, text) => slots[i]?.set(text),
    length: slots.length,
  };
}
