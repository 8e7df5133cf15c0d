import { CONTENT_LIMIT_BYTES, ContentRecorder, loggedContent, scrubSecrets } from './content-log';

describe('content logging', () => {
  it('scrubs provider keys, tokens and the platform virtual keys, and keeps the rest', () => {
    const openaiKey = `sk-proj-${'A1b2C3d4E5'.repeat(5)}`;
    const virtualKey = `sk-os-AbCdEf1234_${'x9Y8z7W6v5'.repeat(3)}Qq`;
    const demoKey = 'sk-os-' + 'Ab-_9'.repeat(8) + 'xyz';
    const text = `use ${openaiKey} or ${virtualKey}; token ghp_${'a'.repeat(36)} please, ${demoKey}`;
    const scrubbed = scrubSecrets(text);
    expect(scrubbed).not.toContain(openaiKey);
    expect(scrubbed).not.toContain(virtualKey);
    expect(scrubbed).not.toContain(`ghp_${'a'.repeat(36)}`);
    expect(scrubbed).toContain('[OPTSCALE_VIRTUAL_KEY]');
    expect(scrubbed).toMatch(
      /^use \[[A-Z_]+\] or \[OPTSCALE_VIRTUAL_KEY\]; token \[[A-Z_]+\] please, \[OPTSCALE_VIRTUAL_KEY\]$/,
    );
    expect(scrubSecrets('nothing secret here')).toBe('nothing secret here');
  });

  it('records a stream chunk by chunk up to the bound and says it cut', () => {
    const recorder = new ContentRecorder();
    recorder.add('data: {"a":1}\n\n');
    recorder.add(Buffer.from('data: [DONE]\n\n'));
    expect(recorder.bytes().toString()).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(recorder.truncated).toBe(false);
    recorder.add('x'.repeat(CONTENT_LIMIT_BYTES));
    recorder.add('more');
    expect(recorder.bytes().length).toBe(CONTENT_LIMIT_BYTES);
    expect(recorder.truncated).toBe(true);
  });

  it('bounds the request body without splitting a character and marks the cut', () => {
    const body = Buffer.from(`${'a'.repeat(CONTENT_LIMIT_BYTES - 1)}é and more`, 'utf8');
    const content = loggedContent(body, undefined);
    expect(content.truncated).toBe(true);
    expect(content.request).toBe('a'.repeat(CONTENT_LIMIT_BYTES - 1));
    expect(content.response).toBe('');
    const small = loggedContent(Buffer.from('{"messages":[]}'), new ContentRecorder());
    expect(small).toEqual({ request: '{"messages":[]}', response: '', truncated: false });
  });
});
