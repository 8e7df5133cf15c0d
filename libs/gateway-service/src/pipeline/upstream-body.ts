/**
 * A provider's response body, read far enough that the call can still be retried if the read
 * fails: a whole answer is read completely (nothing has reached the client yet), a stream up to its
 * first chunk. Once the client has bytes of a stream it is committed to that provider, so a stream
 * that breaks later is reported in-band instead of retried.
 */
export class UpstreamBody {
  private constructor(
    /** The whole body of an answer, or the first chunk of a stream. */
    private readonly head: Buffer | undefined,
    /** The rest of a stream; undefined when `head` is the whole body. */
    private readonly rest: AsyncIterator<Buffer> | undefined,
  ) {}

  /** Reads all of `body`. Rejects as the read does (connection reset, body timeout). */
  static async whole(body: AsyncIterable<Buffer>): Promise<UpstreamBody> {
    const parts: Buffer[] = [];
    for await (const chunk of body) parts.push(chunk);
    return new UpstreamBody(Buffer.concat(parts), undefined);
  }

  /** Reads the first chunk of `body`, keeping the rest for `chunks()`. */
  static async firstChunk(body: AsyncIterable<Buffer>): Promise<UpstreamBody> {
    const iterator = body[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done === true) return new UpstreamBody(undefined, undefined);
    return new UpstreamBody(first.value, iterator);
  }

  /** The whole body (the rest of a stream is read now). */
  async bytes(): Promise<Buffer> {
    if (this.rest === undefined) return this.head ?? Buffer.alloc(0);
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks()) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async json(): Promise<unknown> {
    return JSON.parse((await this.bytes()).toString('utf8')) as unknown;
  }

  /** The body chunk by chunk, the part already read first. Stopping early closes the connection. */
  async *chunks(): AsyncGenerator<Buffer> {
    if (this.head !== undefined) yield this.head;
    const rest = this.rest;
    if (rest === undefined) return;
    let done = false;
    try {
      for (;;) {
        const next = await rest.next();
        if (next.done === true) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // A consumer that stops early (the client went away) must not leave the socket half-read.
      if (!done) await rest.return?.();
    }
  }

  /** Releases a body that will not be used (a stream read to its first chunk, then abandoned). */
  async discard(): Promise<void> {
    await this.rest?.return?.();
  }
}
