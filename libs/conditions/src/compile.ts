import { celEnv, CelScalar, isCelError, parse, plan } from '@bufbuild/cel';
import type { CelEnv } from '@bufbuild/cel';
import { Checker } from './check';
import { parseErrorMessage, position } from './messages';
import { cachingRe2 } from './regex';
import { CEL_VARIABLES, CONDITION_VARIABLES, toBindings } from './variables';
import type { ConditionVariables } from './variables';

export interface Condition {
  readonly source: string;
  /** Never throws: an evaluation error (missing map key, wrong type) is false. */
  evaluate(vars: ConditionVariables): boolean;
}

export type CompileResult = { ok: true; condition: Condition } | { ok: false; error: string };

/**
 * Uses the runtime's own `matches` (RE2 semantics, linear time) so that a pattern accepted here is
 * exactly one the evaluator accepts.
 */
function regexChecker(): (pattern: string) => string | undefined {
  const env = celEnv({ variables: { pattern: CelScalar.STRING } });
  const program = plan(env, parse('"".matches(pattern)'));
  return (pattern) => {
    const result = program({ pattern });
    return isCelError(result) ? result.message : undefined;
  };
}

/** Maps expression ids to source offsets (the parser records one per node). */
function offsetOf(parsed: ReturnType<typeof parse>, exprId: bigint): number {
  return parsed.sourceInfo?.positions[String(exprId)] ?? 0;
}

/** Type checks; returns the error message, or the variables the expression reads. */
function typeCheck(
  env: CelEnv,
  parsed: ReturnType<typeof parse>,
  source: string,
): { error: string } | { used: ReadonlySet<string> } {
  const variables = new Map(Object.entries(CEL_VARIABLES));
  const result = new Checker(env, variables, regexChecker()).check(parsed.expr);
  const messages = result.problems.map(
    (p) => `${p.message} at ${position(source, offsetOf(parsed, p.exprId))}`,
  );
  if (messages.length > 0) {
    const known =
      result.unknownVariables.length > 0 ? `. Known variables: ${CONDITION_VARIABLES.join(', ')}` : '';
    return { error: `${messages.join('; ')}${known}` };
  }
  const type = result.type;
  // `dyn` (e.g. `params.stream` alone) can only be judged per request; non-bool then means false.
  if (type.kind !== 'scalar' || (type.scalar !== 'bool' && type.scalar !== 'dyn')) {
    return { error: `a condition must be true or false, but this expression is of type ${String(type)}` };
  }
  return { used: result.usedVariables };
}

function always(source: string): Condition {
  return { source, evaluate: () => true };
}

/**
 * Compiles a CEL condition once (parse, type check, plan); the result is evaluated per request.
 * Empty or blank source means "always". Nothing is cached across calls: callers own the lifetime.
 */
export function compileCondition(source: string): CompileResult {
  if (source.trim() === '') return { ok: true, condition: always(source) };

  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    return { ok: false, error: parseErrorMessage(error, source) };
  }

  const env = celEnv({ variables: CEL_VARIABLES, re2: cachingRe2() });
  const checked = typeCheck(env, parsed, source);
  if ('error' in checked) return { ok: false, error: checked.error };
  const used = checked.used;

  let program: ReturnType<typeof plan<typeof CEL_VARIABLES>>;
  try {
    program = plan(env, parsed);
  } catch (planError) {
    return { ok: false, error: planError instanceof Error ? planError.message : String(planError) };
  }

  return {
    ok: true,
    condition: {
      source,
      evaluate(vars: ConditionVariables): boolean {
        try {
          // A CelError (missing key, no overload for the values at hand) and any non-bool are false.
          return program(toBindings(vars, used)) === true;
        } catch {
          return false;
        }
      },
    },
  };
}
