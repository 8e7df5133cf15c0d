import { requestTextSlots, responseTextSlots } from './text-slots';

const redactAll = (slots: ReturnType<typeof requestTextSlots>): void => {
  for (const s of slots) s.set(s.text.replace(/4111/g, '<CARD>'));
};

describe('requestTextSlots', () => {
  it('OpenAI chat: message strings and text parts, never tool messages, tools or images; order kept', () => {
    const body = {
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'card 4111' },
        {
          content: [
            { type: 'text', text: 'mine 4111' },
            { type: 'image_url', image_url: { url: 'data:4111' } },
          ],
          role: 'user',
        },
        { role: 'tool', tool_call_id: 'c1', content: 'tool 4111' },
      ],
      tools: [{ type: 'function', function: { name: 'f', description: '4111' } }],
      temperature: 0,
    };
    const before = JSON.stringify(body);
    const slots = requestTextSlots('openai-chat', body);
    expect(slots.map((s) => s.text)).toEqual(['card 4111', 'mine 4111']);
    redactAll(slots);
    expect(JSON.stringify(body)).toBe(
      before.replace('card 4111', 'card <CARD>').replace('mine 4111', 'mine <CARD>'),
    );
  });

  it('Anthropic: message text blocks and an uncached system; never cached system blocks, tools, tool results, cache_control', () => {
    const body = {
      model: 'claude-sonnet-4-6',
      system: [
        { type: 'text', text: 'billing 4111', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'plain 4111' },
      ],
      messages: [
        { role: 'user', content: 'hi 4111' },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't', content: 'result 4111' },
            { type: 'text', text: 'block 4111', cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
      tools: [{ name: 'Bash', description: '4111', input_schema: {} }],
      max_tokens: 10,
    };
    const before = JSON.stringify(body);
    const slots = requestTextSlots('anthropic', body);
    expect(slots.map((s) => s.text)).toEqual(['plain 4111', 'hi 4111', 'block 4111']);
    redactAll(slots);
    const after = JSON.stringify(body);
    expect(after).toBe(
      before
        .replace('plain 4111', 'plain <CARD>')
        .replace('hi 4111', 'hi <CARD>')
        .replace('block 4111', 'block <CARD>'),
    );
    expect(after).toContain('"billing 4111","cache_control":{"type":"ephemeral"}');
    expect(after).toContain('"block <CARD>","cache_control":{"type":"ephemeral"}');
  });

  it('Responses: instructions, string input, message items; never function outputs', () => {
    expect(
      requestTextSlots('openai-responses', { input: 'hello', instructions: 'be nice' }).map((s) => s.text),
    ).toEqual(['be nice', 'hello']);
    const body = {
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'a' },
            { type: 'input_image', image_url: 'x' },
          ],
        },
        { type: 'function_call_output', call_id: 'c', output: 'b' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'c' }] },
      ],
    };
    expect(requestTextSlots('openai-responses', body).map((s) => s.text)).toEqual(['a', 'c']);
  });

  it('Cursor: messages and input alike', () => {
    const body = { messages: [{ role: 'user', content: 'm' }], input: [{ role: 'user', content: 'i' }] };
    expect(requestTextSlots('cursor', body).map((s) => s.text)).toEqual(['m', 'i']);
  });
});

describe('responseTextSlots', () => {
  it('reads the answer text of each dialect', () => {
    expect(
      responseTextSlots('openai-chat', {
        choices: [{ index: 0, message: { role: 'assistant', content: 'x' } }],
      }).map((s) => s.text),
    ).toEqual(['x']);
    expect(
      responseTextSlots('anthropic', {
        content: [
          { type: 'thinking', thinking: 't' },
          { type: 'text', text: 'y' },
          { type: 'tool_use', id: 'u', name: 'f', input: { text: 'z' } },
        ],
      }).map((s) => s.text),
    ).toEqual(['y']);
    expect(
      responseTextSlots('openai-responses', {
        output: [
          { type: 'reasoning', summary: [] },
          { type: 'message', content: [{ type: 'output_text', text: 'w' }] },
        ],
      }).map((s) => s.text),
    ).toEqual(['w']);
  });
});
