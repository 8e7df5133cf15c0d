import type { Detector, Finding } from '../types';
import { matchAll, spanFinding, trailingRunStart } from './text-utils';

/*
 * Credential formats, following the public token-format docs of each provider and the rule sets
 * of gitleaks / GitHub secret scanning. Each rule is anchored on a fixed prefix, so a scan costs one
 * pass per rule; bodies are single bounded classes that exclude the delimiters around them.
 */

interface SecretRule {
  entity: string;
  re: RegExp;
  score: number;
  /** Rejects look-alikes the regex alone cannot (e.g. prose like "sk-this-is-an-example-key"). */
  accept?: (match: string) => boolean;
}

/** Random provider keys contain both letters and digits; hand-written examples often do not. */
const looksRandom = (s: string): boolean => /\d/.test(s) && /[A-Za-z]/.test(s);

const RULES: readonly SecretRule[] = [
  // AWS access key ids: AKIA (long-term) and ASIA (STS temporary), 16 more upper-case base32 characters.
  { entity: 'AWS_ACCESS_KEY', re: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])/g, score: 0.95 },
  {
    entity: 'ANTHROPIC_API_KEY',
    re: /(?<![\w-])sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{32,200}(?![\w-])/g,
    score: 0.98,
  },
  // OpenAI: legacy sk-, project sk-proj-, service account sk-svcacct-, admin sk-admin-.
  {
    entity: 'OPENAI_API_KEY',
    re: /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}(?![\w-])/g,
    score: 0.9,
    accept: (m) => !m.startsWith('sk-ant-') && looksRandom(m.slice(3)),
  },
  { entity: 'GITHUB_TOKEN', re: /(?<!\w)gh[pousr]_[A-Za-z0-9]{36,255}(?!\w)/g, score: 0.98 },
  { entity: 'GITHUB_TOKEN', re: /(?<!\w)github_pat_[A-Za-z0-9_]{22,255}(?!\w)/g, score: 0.98 },
  {
    entity: 'SLACK_TOKEN',
    re: /(?<![\w-])xox[abprs]-[A-Za-z0-9-]{10,200}(?![\w-])/g,
    score: 0.95,
    accept: looksRandom,
  },
  { entity: 'GOOGLE_API_KEY', re: /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g, score: 0.95 },
  { entity: 'STRIPE_KEY', re: /(?<!\w)[sr]k_live_[0-9A-Za-z]{20,200}(?!\w)/g, score: 0.98 },
  // Test-mode keys move no money but still grant API access.
  { entity: 'STRIPE_KEY', re: /(?<!\w)[sr]k_test_[0-9A-Za-z]{20,200}(?!\w)/g, score: 0.6 },
];

const JWT = /(?<![\w-])eyJ[A-Za-z0-9_-]{5,2000}\.[A-Za-z0-9_-]{2,8000}\.[A-Za-z0-9_-]{0,2000}(?![\w-])/g;

/** A JWT's header is base64url JSON naming its algorithm (RFC 7515 4.1.1); anything else is a look-alike. */
function jwtHeaderValid(token: string): boolean {
  try {
    const header: unknown = JSON.parse(
      Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'),
    );
    return (
      typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}

/** scheme://user:password@host; the finding covers the password only, so the URL stays readable. */
const PASSWORD_URL =
  /(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]{1,19}:\/\/([^\s:/?#@]{1,64}):([^\s/?#@]{1,128})@[^\s/?#@]{1,253}/g;
/** Template placeholders (`${DB_PASSWORD}`, `<password>`, `****`) are documentation, not leaks. */
const PLACEHOLDER_PASSWORD = /^(?:\*+|x+|\$\{?\w{1,64}\}?|<[^>]{0,64}>|\{\{?[^}]{0,64}\}?\})$/i;

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY-----/g;
const PEM_END_LINE = /-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY-----/;
/** Base64 body plus RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,...`). */
const PEM_BODY = /[A-Za-z0-9+/=\s:,.-]{0,8192}/y;
const MAX_PEM_LENGTH = 8192;

/**
 * A PEM private key from BEGIN to END. Without an END (truncated paste, or a stream cut at the hold
 * cap) the BEGIN line and the body after it are still a finding: half a key is still a leak.
 */
function findPrivateKeys(text: string): Finding[] {
  const out: Finding[] = [];
  for (const begin of matchAll(PEM_BEGIN, text)) {
    const bodyStart = begin.index + begin[0].length;
    // Look for END only within the longest key, so many BEGIN lines cost linear time, not quadratic.
    const ahead = text.slice(bodyStart, bodyStart + MAX_PEM_LENGTH + 64);
    const end = PEM_END_LINE.exec(ahead);
    let stop: number;
    if (end !== null && !/[^A-Za-z0-9+/=\s:,.-]/.test(ahead.slice(0, end.index))) {
      stop = bodyStart + end.index + end[0].length;
    } else {
      PEM_BODY.lastIndex = bodyStart;
      stop = bodyStart + (PEM_BODY.exec(text)?.[0].trimEnd().length ?? 0);
    }
    out.push(spanFinding('PRIVATE_KEY', begin.index, stop, 1));
  }
  return out;
}

function scanSecrets(text: string): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) {
    for (const m of matchAll(rule.re, text)) {
      if (rule.accept === undefined || rule.accept(m[0])) {
        out.push(spanFinding(rule.entity, m.index, m.index + m[0].length, rule.score));
      }
    }
  }
  for (const m of matchAll(JWT, text)) {
    if (jwtHeaderValid(m[0])) out.push(spanFinding('JWT', m.index, m.index + m[0].length, 0.95));
  }
  for (const m of matchAll(PASSWORD_URL, text)) {
    const [whole, user = '', password = ''] = m;
    const start = m.index + whole.indexOf('://') + 3 + user.length + 1;
    out.push(
      spanFinding(
        'PASSWORD_IN_URL',
        start,
        start + password.length,
        PLACEHOLDER_PASSWORD.test(password) ? 0.3 : 0.9,
      ),
    );
  }
  out.push(...findPrivateKeys(text));
  return out;
}

/** Every secret is one whitespace-free token, except PEM blocks, which are held from their BEGIN line. */
function pendingFrom(text: string): number {
  let from = trailingRunStart(text, /\S/, /[A-Za-z-]/, 512);
  const begin = text.lastIndexOf('-----BEGIN ');
  // Held until a complete END line: a partial one ("-----END RSA ") still ends the key later.
  if (begin >= 0 && !PEM_END_LINE.test(text.slice(begin))) from = Math.min(from, begin);
  return from;
}

export function createSecretsDetector(): Detector {
  // 512 covers every token format; PEM blocks can be longer and are handled by the BEGIN rule above.
  return { redactable: true, maxMatchLength: 512, scan: scanSecrets, pendingFrom };
}
