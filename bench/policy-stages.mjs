#!/usr/bin/env node
// The policy stages' own cost (issue 5): the gateway's input stage with the full guardrail set on a
// 4 KB prompt, and its output stage per streamed chunk, measured on the built gateway code
// (libs/gateway-service/dist/policy: evaluateTexts and StreamPolicyPipe, the functions the pipeline
// calls), in-process, so the figure is the added CPU time per request or chunk, without HTTP noise.
//
//   node bench/policy-stages.mjs            prints the table; with --docs replaces its section of
//                                           docs/benchmarks.md (npm run bench does both)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'libs/gateway-service/package.json'));
const { compileGuardrail } = require('@optscale/guardrails');
const { evaluateTexts } = require(path.join(ROOT, 'libs/gateway-service/dist/policy/evaluate-texts.js'));
const { StreamPolicyPipe } = require(
  path.join(ROOT, 'libs/gateway-service/dist/policy/stream-policy-pipe.js'),
);
const { RequestPlaceholders } = require(path.join(ROOT, 'libs/gateway-service/dist/policy/placeholders.js'));

const guardrail = (id, stage, action, settings) => ({
  id,
  name: id,
  stage,
  threshold: 0.7,
  action,
  settings,
});
const GUARDRAILS = [
  guardrail('pii', 'both', 'redact', {
    type: 'pii',
    entities: ['CREDIT_CARD', 'EMAIL', 'PHONE', 'IBAN', 'US_SSN', 'IP_ADDRESS'],
    customPatterns: [{ name: 'EMPLOYEE_ID', pattern: 'EMP-[0-9]{6}' }],
  }),
  guardrail('secrets', 'both', 'redact', { type: 'secrets' }),
  guardrail('topics', 'both', 'warn', {
    type: 'ban_topics',
    keywords: ['confidential', 'internal only'],
    topics: [{ name: 'weapons', terms: ['explosive', 'detonator', 'firearm'] }],
  }),
  guardrail('invisible', 'both', 'redact', { type: 'invisible_text' }),
  guardrail('injection', 'input', 'warn', { type: 'prompt_injection' }),
  guardrail('jailbreak', 'input', 'warn', { type: 'jailbreak' }),
  guardrail('code', 'both', 'warn', { type: 'code_injection' }),
  guardrail('tokens', 'input', 'block', { type: 'token_limit', limit: 100_000 }),
];
const policy = (stage) => ({
  snapshot: {
    id: `p-${stage}`,
    organizationId: 'org',
    name: `all-${stage}`,
    enabled: true,
    condition: '',
    stage,
    samplingRate: 1,
    timeoutMs: 1500,
    passOnTimeout: false,
    requestTypes: [],
    reversibleRedaction: false,
    guardrails: GUARDRAILS,
  },
  condition: undefined,
  guardrails: GUARDRAILS.map(compileGuardrail),
});

// A 4 KB prompt of the kind coding clients send, with a card number and an e-mail in it.
const PARAGRAPH =
  'Please review the following function and explain why the tests fail intermittently on CI. ' +
  'The handler reads the configuration, opens a connection pool and retries twice with backoff. ' +
  'Contact me at dev.lead@example.com if anything is unclear; the staging card is 4111 1111 1111 1111. ';
let prompt = '';
while (prompt.length < 4096) prompt += PARAGRAPH;
prompt = prompt.slice(0, 4096);

function percentiles(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  return { p50: at(50), p99: at(99) };
}

function timeInput(iterations) {
  const applied = [{ policy: policy('input'), sampled: true }];
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const texts = [prompt];
    const view = { get: (j) => texts[j], set: (j, t) => (texts[j] = t), length: 1 };
    const placeholders = new RequestPlaceholders('bench-secret');
    const started = process.hrtime.bigint();
    evaluateTexts(applied, view, {
      stage: 'input',
      placeholder: (r) => placeholders.maker(r),
      now: () => performance.now(),
      record: [],
    });
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return percentiles(samples.slice(Math.floor(iterations / 10)));
}

function timeOutputChunks(streams) {
  // An answer of 4 KB streamed in 20-character deltas (typical token-sized chunks), with a key inside.
  const answer = (
    prompt.slice(0, 2000) +
    ' sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z ' +
    prompt.slice(0, 2000)
  ).slice(0, 4096);
  const chunks = [];
  for (let i = 0; i < answer.length; i += 20) chunks.push(answer.slice(i, i + 20));
  const samples = [];
  for (let s = 0; s < streams; s++) {
    const evaluation = {
      policyId: 'p',
      policyName: 'p',
      stage: 'output',
      sampled: true,
      matched: false,
      violated: false,
      action: 'none',
      timedOut: false,
      latencyMs: 0,
      guardrails: [],
    };
    const placeholders = new RequestPlaceholders('bench-secret');
    const pipe = new StreamPolicyPipe(policy('output'), evaluation, placeholders.maker(false), () =>
      performance.now(),
    );
    for (const chunk of chunks) {
      const started = process.hrtime.bigint();
      pipe.push(chunk);
      samples.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    pipe.end();
  }
  return { ...percentiles(samples.slice(Math.floor(samples.length / 10))), chunks: chunks.length };
}

const input = timeInput(Number(process.env.BENCH_POLICY_ITERATIONS ?? 3000));
const output = timeOutputChunks(Number(process.env.BENCH_POLICY_STREAMS ?? 200));
const section = [
  '<!-- policy-stages:start -->',
  '## Policy stages (issue 5)',
  '',
  `Measured by \`bench/policy-stages.mjs\` on the built gateway code (\`evaluateTexts\` and \`StreamPolicyPipe\`, what the pipeline calls), in-process, every guardrail type enabled (PII with all six entities and a custom pattern, secrets, banned keywords and topics, invisible text, prompt injection, jailbreak, code injection, token limit). Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| Stage | Work | p50 | p99 |',
  '|---|---|--:|--:|',
  `| input | one 4 KB prompt (a card number and an e-mail redacted) | ${input.p50.toFixed(0)} µs | ${input.p99.toFixed(0)} µs |`,
  `| output | one streamed chunk of 20 characters (4 KB answer in ${output.chunks} chunks, an API key redacted across chunks) | ${output.p50.toFixed(1)} µs | ${output.p99.toFixed(1)} µs |`,
  '<!-- policy-stages:end -->',
  '',
].join('\n');
process.stdout.write(section);
if (process.argv.includes('--docs')) {
  const doc = path.join(ROOT, 'docs/benchmarks.md');
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const pattern = /<!-- policy-stages:start -->[\s\S]*?<!-- policy-stages:end -->\n?/;
  writeFileSync(doc, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}`);
}
