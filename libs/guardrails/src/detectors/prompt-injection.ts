import type { Detector } from '../types';
import { createScoredDetector, ruleScore, type ScoredRule } from './scored-rules';

/*
 * Prompt injection: text trying to replace the instructions the model runs under. Patterns follow
 * the published attack corpora (Perez & Ribeiro "Ignore Previous Prompt", the deepset and Lakera
 * gandalf injection sets, OWASP LLM01). Weights are chosen so that one strong phrase ("ignore all
 * previous instructions") crosses a 0.7 threshold alone, while weak cues (a markdown "### Instruction"
 * heading, "from now on") only count together with others, keeping ordinary coding prompts clean.
 */

const IGNORE_VERB =
  "(?:ignore|disregard|forget|skip|override|bypass|do not follow|don't follow|stop following)";
const PRIOR =
  '(?:all\\s{1,3})?(?:of\\s{1,3})?(?:the\\s{1,3}|your\\s{1,3}|my\\s{1,3}|any\\s{1,3}|these\\s{1,3})?(?:previous|prior|above|earlier|preceding|former|system|initial|original|existing)';
const INSTRUCTIONS =
  '(?:instructions?|prompts?|rules|directions|directives|guidelines|messages?|context|commands?)';

export const PROMPT_INJECTION_RULES: readonly ScoredRule[] = [
  {
    id: 'ignore-previous',
    weight: 0.9,
    test: new RegExp(`\\b${IGNORE_VERB}\\s{1,3}${PRIOR}\\s{1,3}${INSTRUCTIONS}\\b`, 'i'),
  },
  {
    id: 'ignore-everything-above',
    weight: 0.6,
    test: /\b(?:ignore|disregard|forget)\s{1,3}(?:everything|anything|all)\s{1,3}(?:above|before|you (?:were|have been) told)\b/i,
  },
  {
    id: 'reveal-system-prompt',
    weight: 0.8,
    test: /\b(?:reveal|show|print|output|repeat|display|leak|dump|tell me|give me|what (?:is|are|was|were))\s{1,3}(?:me\s{1,3})?(?:your|the)\s{1,3}(?:full\s{1,3}|exact\s{1,3}|entire\s{1,3})?(?:system|initial|hidden|original|secret|developer)\s{1,3}(?:prompt|instructions|message)s?\b/i,
  },
  {
    id: 'repeat-words-above',
    weight: 0.6,
    test: /\brepeat\s{1,3}(?:the\s{1,3})?(?:words|text|everything)\s{1,3}above\b/i,
  },
  {
    id: 'new-instructions',
    weight: 0.5,
    test: /\b(?:new|updated|real|actual|true)\s{1,3}(?:instructions|task|system prompt)\s{0,3}:/i,
  },
  // Chat-template and role delimiters pasted into user text: ChatML, Llama 2 [INST]/<<SYS>>, XML-ish roles.
  {
    id: 'role-delimiter',
    weight: 0.7,
    test: /<\/?(?:system|assistant|im_start|im_end)>|<\|(?:im_start|im_end|system|endoftext)\|>|\[\/?INST\]|<<\/?SYS>>/i,
  },
  {
    id: 'instruction-heading',
    weight: 0.35,
    test: /^\s{0,3}#{2,4}\s{0,3}(?:new\s{1,3})?(?:instruction|system|system prompt)s?\s{0,3}:?\s{0,3}$/im,
  },
  { id: 'role-prefix-line', weight: 0.3, test: /^\s{0,3}(?:system|assistant)\s{0,2}:\s{0,3}\S/im },
  { id: 'from-now-on', weight: 0.3, test: /\bfrom now on,?\s{1,3}(?:you|your|ignore|only|always)\b/i },
  {
    id: 'you-must-obey',
    weight: 0.35,
    test: /\byou\s{1,3}(?:must|will|shall)\s{1,3}(?:now\s{1,3})?(?:obey|comply with|follow)\s{1,3}(?:me|my|these|the following)\b/i,
  },
  { id: 'base64-instructions', weight: 0.8, test: hasEncodedInstructions },
];

const BASE64_BLOB = /[A-Za-z0-9+/]{24,4096}={0,2}/g;
const ENCODED_RULES = PROMPT_INJECTION_RULES.filter((r) => r.id !== 'base64-instructions');

/** An instruction smuggled as base64: decode each blob and look for the plain-text signals in it. */
function hasEncodedInstructions(text: string): boolean {
  BASE64_BLOB.lastIndex = 0;
  let m: RegExpExecArray | null;
  let checked = 0;
  while ((m = BASE64_BLOB.exec(text)) !== null && checked++ < 64) {
    const decoded = Buffer.from(m[0], 'base64').toString('utf8');
    // Binary data decodes to control characters and replacement marks; only printable text is read.
    if (!isPrintable(decoded)) continue;
    if (ruleScore(ENCODED_RULES, decoded).score >= 0.5) return true;
  }
  return false;
}

function isPrintable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd) return false;
  }
  return true;
}

export function createPromptInjectionDetector(): Detector {
  return createScoredDetector('PROMPT_INJECTION', PROMPT_INJECTION_RULES);
}
