import type { RequestEvent } from '@optscale/contracts';
import { MemoryEventSink } from './event-sinks';

const event = (requestId: string) => ({ requestId }) as RequestEvent;

describe('MemoryEventSink', () => {
  it('keeps the last events, oldest first', () => {
    const sink = new MemoryEventSink(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) sink.emit(event(id));
    expect(sink.all().map((e) => e.requestId)).toEqual(['c', 'd', 'e']);
    expect(sink.find('b')).toBeUndefined();
    expect(sink.find('d')?.requestId).toBe('d');
  });
});
