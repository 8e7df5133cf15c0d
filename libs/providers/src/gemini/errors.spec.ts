import { readJsonFixture } from '../../../protocol/src/testing/fixtures';
import { geminiProvider } from './index';

interface ErrorFixture {
  status: number;
  body: unknown;
}

const fixture = (readJsonFixture('errors_models_misc.json') as { gemini: { error: ErrorFixture } }).gemini
  .error;

describe('gemini parseError', () => {
  it('reads the fixture envelope: status, message, google.rpc status, retry-after header', () => {
    const body = JSON.stringify(fixture.body);
    expect(geminiProvider.parseError(fixture.status, { 'Retry-After': '30' }, body)).toEqual({
      status: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      type: 'RESOURCE_EXHAUSTED',
      retryAfter: '30',
      body,
    });
  });

  it('takes retry-after from RetryInfo and the ErrorInfo reason as code', () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'Quota exceeded',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED' },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36.5s' },
        ],
      },
    });
    expect(geminiProvider.parseError(429, {}, body)).toMatchObject({
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      retryAfter: '37',
    });
  });

  it('reports an invalid API key (a 400 on the wire) as 401', () => {
    const body = JSON.stringify([
      {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
        },
      },
    ]);
    expect(geminiProvider.parseError(400, {}, body)).toMatchObject({
      status: 401,
      type: 'INVALID_ARGUMENT',
      code: 'API_KEY_INVALID',
      message: 'API key not valid. Please pass a valid API key.',
    });
  });

  it('keeps non-JSON bodies as the message and the HTTP status as is', () => {
    expect(geminiProvider.parseError(502, {}, '<html>Bad Gateway</html>')).toEqual({
      status: 502,
      message: '<html>Bad Gateway</html>',
      body: '<html>Bad Gateway</html>',
    });
    expect(geminiProvider.parseError(500, {}, '')).toEqual({
      status: 500,
      message: 'Gemini returned HTTP 500',
      body: '',
    });
  });
});
