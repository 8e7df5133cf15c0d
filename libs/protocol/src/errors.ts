/** A client request that does not match its dialect's schema; `param` names the offending field. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    public readonly param: string | null,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
