import { readJsonFixture } from '../testing/fixtures';
import { createOpenAIChatStreamEncoder } from './stream-encoder';
import { encodeOpenAIError, openAIErrorType } from './errors';
import { testContext } from './testing';

describe('encodeOpenAIError', () => {
  it('fills all four keys with the default type per status', () => {
    expect(encodeOpenAIError(400, 'bad', { param: 'messages[2].content' })).toEqual({
      error: { message: 'bad', type: 'invalid_request_error', param: 'messages[2].content', code: null },
    });
    expect(encodeOpenAIError(401, 'no key', { code: 'invalid_api_key' }).error).toEqual({
      message: 'no key',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });
    expect(openAIErrorType(403)).toBe('request_forbidden');
    expect(openAIErrorType(404)).toBe('invalid_request_error');
    expect(openAIErrorType(429)).toBe('rate_limit_exceeded');
    expect(openAIErrorType(500)).toBe('server_error');
    expect(openAIErrorType(503)).toBe('server_error');
    expect(
      encodeOpenAIError(429, 'quota', { type: 'insufficient_quota', code: 'insufficient_quota' }).error.type,
    ).toBe('insufficient_quota');
  });

  it('matches the fixture envelopes and the mid-stream error line', () => {
    const fixture = readJsonFixture('errors_models_misc.json') as {
      openai: { errors: Record<string, { status: number; body: unknown } | string> };
    };
    const server = fixture.openai.errors['500_server_error'] as { status: number; body: unknown };
    expect(
      encodeOpenAIError(500, 'The server had an error while processing your request. Sorry about that!'),
    ).toEqual(server.body);
    const encoder = createOpenAIChatStreamEncoder(testContext(), { includeUsage: false });
    expect(
      encoder.push({
        type: 'error',
        error: { status: 500, message: 'The server had an error while processing your request.' },
      }),
    ).toBe(`${fixture.openai.errors.mid_stream_error_sse_line as string}data: [DONE]\n\n`);
  });
});
