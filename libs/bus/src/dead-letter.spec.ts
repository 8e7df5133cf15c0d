import { deadLetterSchema } from '@optscale/contracts';
import { toDeadLetter } from './dead-letter';

describe('toDeadLetter', () => {
  it('keeps the original bytes, key and position, and is a valid DLQ payload', () => {
    const letter = toDeadLetter(
      {
        topic: 'optscale.gateway.requests.v1',
        key: 'org-1',
        value: Buffer.from([0xff, 0x00, 0x7b]),
        headers: {},
        partition: 2,
        offset: '17',
        error: 'value is not JSON',
      },
      new Date('2025-01-02T03:04:05Z'),
    );
    expect(letter).toEqual({
      reason: 'value is not JSON',
      topic: 'optscale.gateway.requests.v1',
      partition: 2,
      offset: '17',
      key: 'org-1',
      value: Buffer.from([0xff, 0x00, 0x7b]).toString('base64'),
      failedAt: '2025-01-02T03:04:05.000Z',
    });
    expect(deadLetterSchema.parse(letter)).toEqual(letter);
  });
});
