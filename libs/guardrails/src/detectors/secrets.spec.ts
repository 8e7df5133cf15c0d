import { guardrail, JWT, OPENAI_KEY, PEM } from '../__fixtures__/guardrails';
import { compileGuardrail } from '../compile';

const secrets = compileGuardrail(guardrail({ type: 'secrets' }));
const found = (text: string): [string, string][] =>
  secrets.scan(text).map((f) => [f.entity, text.slice(f.start, f.end)]);

describe('secrets detector', () => {
  it.each([
    ['AWS_ACCESS_KEY', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS_ACCESS_KEY', 'ASIAY34FZKBOKMUTVV7A'],
    ['OPENAI_API_KEY', OPENAI_KEY],
    ['OPENAI_API_KEY', 'sk-Ab3dE5fGh7JkLm9NpQr2StUv4WxYz6Ab8CdEf0123'],
    ['ANTHROPIC_API_KEY', 'sk-ant-api03-Ab3dE5fGh7JkLm9NpQr2StUv4WxYz6Ab8CdEf0123-xyz_AA'],
    ['GITHUB_TOKEN', 'ghp_Ab3dE5fGh7JkLm9NpQr2StUv4WxYz6Ab8CdE'],
    ['GITHUB_TOKEN', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123'],
    ['SLACK_TOKEN', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['GOOGLE_API_KEY', 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'],
    ['STRIPE_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['JWT', JWT],
    ['PRIVATE_KEY', PEM],
  ])('finds %s', (entity, value) => {
    expect(found(`here it is: ${value} (keep it safe)`)).toEqual([[entity, value]]);
  });

  it('redacts only the password of a URL, and scores template placeholders low', () => {
    const text = 'DATABASE_URL=postgres://admin:s3cr3tPa55@db.internal:5432/app';
    expect(found(text)).toEqual([['PASSWORD_IN_URL', 's3cr3tPa55']]);
    const [templated] = secrets.scan('postgres://admin:${DB_PASSWORD}@db/app');
    expect(templated?.score).toBeLessThan(0.5);
  });

  it('treats a PEM block without END as a (truncated) key', () => {
    const truncated = PEM.split('\n').slice(0, 2).join('\n');
    expect(found(`${truncated}\n`)).toEqual([['PRIVATE_KEY', truncated]]);
  });

  it.each([
    'sk-this-is-not-a-real-key-at-all',
    'the task-list skeleton uses kebab-case-identifiers-everywhere',
    'eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxIn0.abc', // header has no alg
    'https://example.com/path?user=admin',
    'import { AIza } from "./keys"; const ghp = 1;',
  ])('ignores the look-alike %p', (text) => {
    expect(found(text)).toEqual([]);
  });
});
