import type { GuardrailSettings, GuardrailSnapshot } from '@optscale/contracts';

/** A guardrail snapshot for tests: threshold 0.5 and action redact unless overridden. */
export function guardrail(
  settings: GuardrailSettings,
  overrides: Partial<GuardrailSnapshot> = {},
): GuardrailSnapshot {
  return {
    id: `g-${settings.type}`,
    name: settings.type,
    stage: 'both',
    threshold: 0.5,
    action: 'redact',
    settings,
    ...overrides,
  };
}

export const ALL_PII = {
  type: 'pii',
  entities: ['CREDIT_CARD', 'EMAIL', 'PHONE', 'IBAN', 'US_SSN', 'IP_ADDRESS'],
  customPatterns: [],
} as const satisfies GuardrailSettings;

/** A syntactically valid JWT ({"alg":"HS256","typ":"JWT"}, jwt.io's example). */
export const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

export const OPENAI_KEY = 'sk-proj-Ab3dE5fGh7JkLm9NpQr2StUv4WxYz6Ab8CdEf0';

/** A short (not real) PEM block; the body is random base64. */
export const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu',
  'KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm',
  '-----END RSA PRIVATE KEY-----',
].join('\n');
