import type { Detector } from '../types';
import { createScoredDetector, type ScoredRule } from './scored-rules';

/*
 * Jailbreaks: attempts to talk the model out of its safety rules rather than to replace the task.
 * Patterns come from the public jailbreak prompt collections (the "DAN" family, "Developer Mode",
 * AIM/STAN/DUDE personas, "no restrictions" role-play; Shen et al. "Do Anything Now", CCS 2024).
 * "developer mode" alone is weak (browsers and phones have one); combined with persona or
 * "no restrictions" language it is strong.
 */

export const JAILBREAK_RULES: readonly ScoredRule[] = [
  {
    id: 'dan-persona',
    weight: 0.9,
    test: /\b(?:you are|you're|act as|pretend to be|become|roleplay as)\s{1,3}(?:now\s{1,3})?(?:a\s{1,3}|an\s{1,3})?(?:DAN|STAN|DUDE|AIM|AntiGPT|BetterDAN|Mongo Tom)\b/i,
  },
  { id: 'do-anything-now', weight: 0.85, test: /\bdo anything now\b/i },
  { id: 'dan-name', weight: 0.4, test: /\b(?:DAN|STAN|AntiGPT|BetterDAN)\b/ },
  {
    id: 'developer-mode-enabled',
    weight: 0.75,
    test: /\b(?:developer|god|jailbreak|dan|unrestricted|unfiltered)\s{1,3}mode\s{1,3}(?:enabled|activated|output)\b/i,
  },
  {
    id: 'enable-developer-mode',
    weight: 0.45,
    test: /\b(?:enable|activate|enter|switch to|simulate)\s{1,3}(?:the\s{1,3})?(?:developer|god|jailbreak|unrestricted)\s{1,3}mode\b/i,
  },
  {
    id: 'no-restrictions',
    weight: 0.55,
    test: /\b(?:without|with no|free (?:of|from)|ignore|ignoring|no longer (?:bound by|have))\s{1,3}(?:any\s{1,3})?(?:your\s{1,3})?(?:restrictions|filters|filtering|guidelines|limitations|censorship|content polic(?:y|ies)|ethical (?:guidelines|constraints)|safety (?:guidelines|rules|protocols)|moral(?:s|ity))\b/i,
  },
  {
    id: 'unfiltered-ai',
    weight: 0.5,
    test: /\b(?:an?\s{1,3})?(?:unfiltered|uncensored|unrestricted|amoral|unethical)\s{1,3}(?:ai|assistant|chatbot|model|language model)\b/i,
  },
  {
    id: 'evil-roleplay',
    weight: 0.55,
    test: /\b(?:pretend|imagine|roleplay|role-play|act as if)\b[^.\n]{0,80}\b(?:no rules|evil|unethical|no (?:moral|ethical)|not bound|anything goes)\b/i,
  },
  {
    id: 'stay-in-character',
    weight: 0.35,
    test: /\b(?:stay in character|never break character|do not break character)\b/i,
  },
  { id: 'jailbreak-word', weight: 0.45, test: /\bjail(?:break|broken)\b/i },
  {
    id: 'dual-response',
    weight: 0.5,
    test: /\((?:🔓|🔒)\s{0,2}(?:Developer Mode|Normal) Output\)|\[(?:🔓\s{0,2})?JAILBREAK\]|\[CLASSIC\]/i,
  },
  {
    id: 'openai-policy-defiance',
    weight: 0.5,
    test: /\b(?:doesn't|does not|don't|do not) (?:have to )?(?:abide|comply) (?:by|with) (?:openai|anthropic|the) (?:content )?polic(?:y|ies)\b/i,
  },
];

export function createJailbreakDetector(): Detector {
  return createScoredDetector('JAILBREAK', JAILBREAK_RULES);
}
