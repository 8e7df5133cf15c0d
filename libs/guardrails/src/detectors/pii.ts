import type { PiiEntity } from '@optscale/contracts';
import type { Detector, Finding } from '../types';
import { ibanValid, luhnValid } from './checksums';
import { compileCustomPattern, MAX_CUSTOM_MATCH_LENGTH, scanCustomPattern } from './custom-patterns';
import { matchAll, spanFinding, trailingRunStart } from './text-utils';

/*
 * PII recognisers in the spirit of Presidio's pattern recognisers: a bounded regex finds candidates,
 * a validator (Luhn, mod 97, SSN allocation rules, octet ranges) rejects look-alikes, and the score
 * says how sure the shape alone makes us. Every regex is linear: single character classes with
 * bounded repetition, and groups separated by mandatory delimiters so there is one way to match.
 */

interface Recogniser {
  /** Characters a match consists of and characters it can start with: how far back a stream must hold. */
  alphabet: RegExp;
  startChar: RegExp;
  maxLength: number;
  find(text: string): Finding[];
}

/**
 * Issuer prefixes (ISO/IEC 7812 IIN ranges of the major networks) and the lengths they issue. A range
 * compares the card's first `String(lo).length` digits.
 */
const CARD_ISSUERS: readonly {
  ranges: readonly (readonly [number, number])[];
  lengths: readonly number[];
}[] = [
  { ranges: [[4, 4]], lengths: [13, 16, 19] }, // Visa
  {
    ranges: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
  }, // Mastercard
  {
    ranges: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
  }, // American Express
  {
    ranges: [
      [6011, 6011],
      [644, 649],
      [65, 65],
    ],
    lengths: [16, 17, 18, 19],
  }, // Discover
  {
    ranges: [
      [300, 305],
      [36, 36],
      [38, 39],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  }, // Diners Club
  { ranges: [[3528, 3589]], lengths: [16, 17, 18, 19] }, // JCB
  { ranges: [[62, 62]], lengths: [16, 17, 18, 19] }, // UnionPay
];

function knownIssuer(digits: string): boolean {
  return CARD_ISSUERS.some(
    (issuer) =>
      issuer.lengths.includes(digits.length) &&
      issuer.ranges.some(([lo, hi]) => {
        const prefix = Number(digits.slice(0, String(lo).length));
        return prefix >= lo && prefix <= hi;
      }),
  );
}

/** Contiguous digits, 4-4-4-4(-3) groups, Amex 4-6-5 and Diners 4-6-4, with one consistent separator. */
const CARD_PATTERNS = [
  /(?<![\w-])\d{13,19}(?!\w)/g,
  /(?<![\w-])\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?(?!\w)/g,
  /(?<![\w-])\d{4}([ -])\d{6}\1\d{4,5}(?!\w)/g,
];

function findCards(text: string): Finding[] {
  const out: Finding[] = [];
  for (const re of CARD_PATTERNS) {
    for (const m of matchAll(re, text)) {
      const digits = m[0].replace(/[ -]/g, '');
      if (digits.length < 13 || !luhnValid(digits) || /^(\d)\1+$/.test(digits)) continue;
      out.push(spanFinding('CREDIT_CARD', m.index, m.index + m[0].length, knownIssuer(digits) ? 0.95 : 0.75));
    }
  }
  return out;
}

const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][\w.%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g;

/** E.164 (+ and up to 15 digits), spaced international, NANP and European national (leading 0) formats. */
const PHONE_PATTERNS: readonly { re: RegExp; score: number; minDigits: number; maxDigits: number }[] = [
  { re: /(?<![\w+])\+[1-9]\d{6,14}(?!\w)/g, score: 0.8, minDigits: 7, maxDigits: 15 },
  {
    re: /(?<![\w+])\+[1-9]\d{0,2}[ .-]\(?\d{1,4}\)?(?:[ .-]\d{2,4}){1,4}(?!\w)/g,
    score: 0.75,
    minDigits: 8,
    maxDigits: 15,
  },
  {
    re: /(?<![\w+(])(?:1[ .-])?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?!\w)/g,
    score: 0.7,
    minDigits: 10,
    maxDigits: 11,
  },
  {
    re: /(?<![\w+])0\d{1,4}[ /-]\d{2,4}(?:[ -]\d{2,4}){1,3}(?!\w)/g,
    score: 0.6,
    minDigits: 9,
    maxDigits: 12,
  },
];

function findPhones(text: string): Finding[] {
  const out: Finding[] = [];
  for (const { re, score, minDigits, maxDigits } of PHONE_PATTERNS) {
    for (const m of matchAll(re, text)) {
      const digitCount = m[0].replace(/\D/g, '').length;
      if (digitCount < minDigits || digitCount > maxDigits) continue;
      out.push(spanFinding('PHONE', m.index, m.index + m[0].length, score));
    }
  }
  return out;
}

const IBAN_PATTERNS = [
  /(?<![A-Za-z0-9])[A-Z]{2}\d{2}[A-Z0-9]{11,30}(?![A-Za-z0-9])/g,
  /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
];

function findIbans(text: string): Finding[] {
  const out: Finding[] = [];
  for (const re of IBAN_PATTERNS) {
    for (const m of matchAll(re, text)) {
      if (ibanValid(m[0].replace(/ /g, '')))
        out.push(spanFinding('IBAN', m.index, m.index + m[0].length, 0.95));
    }
  }
  return out;
}

/** SSA rules: area 000, 666 and 900-999 are never issued, nor group 00 or serial 0000. */
const SSN = /(?<![\w-])(\d{3})([ -]?)(\d{2})\2(\d{4})(?![\w-])/g;

function findSsns(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of matchAll(SSN, text)) {
    const [, area = '', sep = '', group = '', serial = ''] = m;
    if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000')
      continue;
    // Nine bare digits are as often an order number as an SSN.
    out.push(spanFinding('US_SSN', m.index, m.index + m[0].length, sep === '' ? 0.5 : 0.85));
  }
  return out;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, 'g');
/** One character class, so linear; the shape is validated by `ipv6Valid`. */
const IPV6_CANDIDATE = /(?<![\w:.])[0-9A-Fa-f:]{2,39}(?![\w:])/g;

function ipv6Valid(s: string): { valid: boolean; groups: number } {
  const halves = s.split('::');
  if (halves.length > 2) return { valid: false, groups: 0 };
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return { valid: false, groups: 0 };
  const valid = halves.length === 2 ? groups.length <= 7 : groups.length === 8;
  return { valid, groups: groups.length };
}

function findIps(text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of matchAll(IPV4, text)) {
    // "version 1.2.3.4" is a four-part version string, not an address.
    const versionLike = /(?:version|ver\.?|release)\s{0,2}$/i.test(
      text.slice(Math.max(0, m.index - 12), m.index),
    );
    out.push(spanFinding('IP_ADDRESS', m.index, m.index + m[0].length, versionLike ? 0.4 : 0.85));
  }
  for (const m of matchAll(IPV6_CANDIDATE, text)) {
    const { valid, groups } = ipv6Valid(m[0]);
    // `dead::beef` could be C++ or Ruby; short compressed forms score lower.
    if (valid) out.push(spanFinding('IP_ADDRESS', m.index, m.index + m[0].length, groups >= 3 ? 0.85 : 0.6));
  }
  return out;
}

const RECOGNISERS: Record<PiiEntity, Recogniser> = {
  CREDIT_CARD: { alphabet: /[\d -]/, startChar: /\d/, maxLength: 23, find: findCards },
  EMAIL: {
    alphabet: /[\w.%+@-]/,
    startChar: /[A-Za-z0-9]/,
    maxLength: 254,
    find: (t) =>
      [...matchAll(EMAIL, t)].map((m) => spanFinding('EMAIL', m.index, m.index + m[0].length, 0.95)),
  },
  PHONE: { alphabet: /[\d ()+./-]/, startChar: /[\d+(]/, maxLength: 24, find: findPhones },
  IBAN: { alphabet: /[A-Z0-9 ]/, startChar: /[A-Z]/, maxLength: 42, find: findIbans },
  US_SSN: { alphabet: /[\d -]/, startChar: /\d/, maxLength: 11, find: findSsns },
  IP_ADDRESS: { alphabet: /[0-9A-Fa-f.:]/, startChar: /[0-9A-Fa-f:]/, maxLength: 45, find: findIps },
};

export function createPiiDetector(settings: {
  entities: readonly PiiEntity[];
  customPatterns: readonly { name: string; pattern: string }[];
}): Detector {
  const recognisers = [...new Set(settings.entities)].map((e) => RECOGNISERS[e]);
  const custom = settings.customPatterns.map((p) => compileCustomPattern(p.name, p.pattern));
  const maxMatchLength = Math.max(
    0,
    ...recognisers.map((r) => r.maxLength),
    ...(custom.length > 0 ? [MAX_CUSTOM_MATCH_LENGTH] : []),
  );
  return {
    redactable: true,
    maxMatchLength,
    scan: (text) => [
      ...recognisers.flatMap((r) => r.find(text)),
      ...custom.flatMap((p) => scanCustomPattern(p, text)),
    ],
    pendingFrom(text) {
      let from = text.length;
      for (const r of recognisers)
        from = Math.min(from, trailingRunStart(text, r.alphabet, r.startChar, r.maxLength));
      // A custom regex can match anything; without parsing it, hold its whole possible span.
      if (custom.length > 0) from = Math.min(from, Math.max(0, text.length - (MAX_CUSTOM_MATCH_LENGTH - 1)));
      return from;
    },
  };
}
