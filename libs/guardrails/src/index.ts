export { GuardrailConfigError, type CompiledGuardrail, type Finding, type GuardrailVerdict } from './types';
export { compileGuardrail, evaluateGuardrail, validateGuardrail } from './compile';
export { placeholderFor, redactText, restorePlaceholders } from './redact';
export { estimateTokens } from './detectors/token-limit';
export { StreamGuard, type StreamGuardOptions, type StreamViolation } from './stream-guard';
