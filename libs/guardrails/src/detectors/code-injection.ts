import type { Detector } from '../types';
import { createScoredDetector, type ScoredRule } from './scored-rules';

/*
 * Code injection payloads (OWASP injection cheat sheets, PayloadsAllTheThings): SQL tautologies and
 * stacked queries, shell metacharacter chains, XSS vectors and Python sandbox escapes. The signal is
 * the payload shape (a quote closed then `OR 1=1`, a command after `;`), not the mere mention of SQL
 * or rm, so "write a SQL query ... where id = 1" and "explain rm -rf" stay clean.
 */

export const CODE_INJECTION_RULES: readonly ScoredRule[] = [
  // ' OR 1=1 --   ' OR 'a'='a   " or ""="
  {
    id: 'sql-tautology',
    weight: 0.8,
    test: /['"]\s{0,3}(?:or|and|\|\|)\s{1,3}(?:['"]?\w{1,10}['"]?\s{0,3}=\s{0,3}['"]?\w{1,10}|true\b|not\s{1,3}false\b)/i,
  },
  { id: 'sql-quote-comment', weight: 0.45, test: /['"]\s{0,3}\)?\s{0,3}(?:--|#|\/\*)/ },
  {
    id: 'sql-union-select',
    weight: 0.45,
    test: /\bunion\s{1,5}(?:all\s{1,5})?select\b[^;\n]{0,80}\b(?:null|@@version|user\(\)|password|information_schema)\b/i,
  },
  {
    id: 'sql-stacked-drop',
    weight: 0.75,
    test: /['"]?\s{0,3};\s{0,3}(?:drop|truncate)\s{1,3}(?:table|database)\b/i,
  },
  {
    id: 'sql-stacked-quote',
    weight: 0.6,
    test: /['"]\s{0,3};\s{0,3}(?:delete|update|insert|exec|shutdown)\b/i,
  },
  {
    id: 'sql-time-based',
    weight: 0.6,
    test: /\b(?:sleep\s{0,3}\(\s{0,3}\d{1,3}\s{0,3}\)|waitfor\s{1,3}delay|benchmark\s{0,3}\(\s{0,3}\d{5,})/i,
  },
  // Shell: a destructive or fetching command chained after a metacharacter.
  {
    id: 'shell-chained-rm',
    weight: 0.8,
    test: /(?:;|&&|\|\||\|)\s{0,3}(?:sudo\s{1,3})?rm\s{1,3}-[a-z]{0,3}[rf]/i,
  },
  // $(...) running a fetch or a shell is a payload; $(whoami) and friends are reconnaissance, weaker.
  {
    id: 'shell-substitution-fetch',
    weight: 0.7,
    test: /\$\(\s{0,3}(?:curl|wget|rm|bash|sh|nc|ncat|base64)\b[^()]{0,200}\)/,
  },
  {
    id: 'shell-substitution-recon',
    weight: 0.45,
    test: /\$\(\s{0,3}(?:cat|whoami|id|uname|python3?|perl)\b[^()]{0,200}\)/,
  },
  // Markdown inline code often names commands, so backticks alone are weak.
  {
    id: 'shell-backtick-command',
    weight: 0.4,
    test: /`\s{0,3}(?:curl|wget|bash\s{1,3}-c|nc\s|whoami|uname\s{1,3}-|cat\s{1,3}\/etc\/)[^`\n]{0,200}`/,
  },
  {
    id: 'shell-pipe-to-shell',
    weight: 0.75,
    test: /\b(?:curl|wget)\b[^|\n]{1,200}\|\s{0,3}(?:sudo\s{1,3})?(?:ba|z|da)?sh\b/,
  },
  {
    id: 'shell-reverse-shell',
    weight: 0.85,
    test: /\/dev\/tcp\/\S{1,100}|\bnc\s{1,3}(?:-\w{1,4}\s{1,3}){0,4}[^\n]{0,60}-e\s{1,3}\/bin\/(?:ba)?sh\b/,
  },
  { id: 'shell-sensitive-file', weight: 0.35, test: /\/etc\/(?:passwd|shadow)\b/ },
  // XSS vectors.
  { id: 'script-tag', weight: 0.7, test: /<script\b[^>]{0,200}>/i },
  {
    id: 'javascript-url',
    weight: 0.75,
    test: /\b(?:href|src|action|formaction)\s{0,3}=\s{0,3}["']?\s{0,3}javascript\s{0,3}:/i,
  },
  {
    id: 'javascript-scheme',
    weight: 0.35,
    test: /\bjavascript:\s{0,3}(?:alert|eval|fetch|document\.|window\.)/i,
  },
  {
    id: 'html-event-handler',
    weight: 0.6,
    test: /<[a-z][a-z0-9]{0,15}\b[^>]{0,200}\son(?:error|load|click|mouseover|focus)\s{0,3}=/i,
  },
  // Python sandbox escapes and dynamic execution of untrusted input.
  {
    id: 'python-import-system',
    weight: 0.9,
    test: /__import__\(\s{0,3}['"](?:os|subprocess|pty)['"]\s{0,3}\)\s{0,3}\.\s{0,3}(?:system|popen|call|run|Popen|spawn)\b/,
  },
  {
    id: 'python-dunder-escape',
    weight: 0.7,
    test: /__(?:class|base|subclasses|globals|builtins)__[^\n]{0,80}__(?:subclasses|globals|builtins|import)__/,
  },
  {
    id: 'eval-untrusted',
    weight: 0.5,
    test: /\b(?:eval|exec)\s{0,3}\(\s{0,3}(?:input|request|req\.|compile|atob|base64)/i,
  },
];

export function createCodeInjectionDetector(): Detector {
  return createScoredDetector('CODE_INJECTION', CODE_INJECTION_RULES);
}
