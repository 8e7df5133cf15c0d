import { UpstreamBody } from './upstream-body';

async function* source(parts: string[], failAfter?: number): AsyncGenerator<Buffer> {
  for (const [i, part] of parts.entries()) {
    await Promise.resolve();
    if (i === failAfter) throw new Error('socket hang up');
    yield Buffer.from(part);
  }
}

describe('UpstreamBody', () => {
  it('reads a whole body', async () => {
    const body = await UpstreamBody.whole(source(['{"a"', ':1}']));
    expect(await body.json()).toEqual({ a: 1 });
  });

  it('reads a stream to its first chunk and replays it before the rest', async () => {
    const body = await UpstreamBody.firstChunk(source(['a', 'b', 'c']));
    const seen: string[] = [];
    for await (const chunk of body.chunks()) seen.push(chunk.toString());
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('rejects when the stream breaks before its first chunk (so the call can be retried)', async () => {
    await expect(UpstreamBody.firstChunk(source(['a'], 0))).rejects.toThrow('socket hang up');
  });

  it('reads the rest of a stream on bytes()', async () => {
    const body = await UpstreamBody.firstChunk(source(['x', 'y']));
    expect((await body.bytes()).toString()).toBe('xy');
  });
});
