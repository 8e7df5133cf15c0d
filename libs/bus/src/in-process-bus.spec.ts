import type { BusMessage } from './bus';
import { describeBusContract } from './__fixtures__/bus-contract';
import { ORG, keyHash, keySnapshot, requestEvent } from './__fixtures__/payloads';
import { createBus } from './create-bus';
import { InProcessBus } from './in-process-bus';
import { eventually } from '@optscale/testing';

describeBusContract('InProcessBus', { makeBus: () => new InProcessBus(), timeoutMs: 1000 });

describe('InProcessBus specifics', () => {
  const noInvalid = (): void => {
    throw new Error('unexpected invalid message');
  };

  it('is what createBus gives for the embedded default', () => {
    expect(createBus({ adapter: 'in-process' })).toBeInstanceOf(InProcessBus);
  });

  it('shares a group between its members by key, and a returning group does not replay', async () => {
    const bus = new InProcessBus();
    const a: string[] = [];
    const b: string[] = [];
    const handler = (into: string[]) => (m: BusMessage<'optscale.gateway.requests.v1'>) =>
      void into.push(m.value.requestId);
    await bus.subscribe('optscale.gateway.requests.v1', handler(a), { group: 'g', onInvalid: noInvalid });
    await bus.subscribe('optscale.gateway.requests.v1', handler(b), { group: 'g', onInvalid: noInvalid });
    for (const id of ['r1', 'r2', 'r3'])
      await bus.publish('optscale.gateway.requests.v1', ORG, requestEvent(id));
    await eventually(() => expect([...a, ...b].sort()).toEqual(['r1', 'r2', 'r3']));
    expect(a.length === 0 || b.length === 0).toBe(true); // one key, one member: order kept

    await bus.publish('optscale.config.keys.v1', keyHash('k'), keySnapshot('k'));
    const first: string[] = [];
    const sub = await bus.subscribe('optscale.config.keys.v1', (m) => void first.push(m.key), {
      group: 'state-group',
      onInvalid: noInvalid,
    });
    await sub.caughtUp();
    expect(first).toEqual([keyHash('k')]);
    await sub.close();
    const again: string[] = [];
    await bus.subscribe('optscale.config.keys.v1', (m) => void again.push(m.key), {
      group: 'state-group',
      onInvalid: noInvalid,
    });
    await bus.publish('optscale.config.keys.v1', keyHash('k2'), keySnapshot('k2'));
    await eventually(() => expect(again).toEqual([keyHash('k2')]));
    await bus.close();
  });

  it('keeps delivering after a handler throws, and reports the error in health', async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    await bus.subscribe(
      'optscale.config.keys.v1',
      (m) => {
        if (m.value?.name === 'boom') throw new Error('handler failed');
        seen.push(m.key);
      },
      { onInvalid: noInvalid },
    );
    await bus.publish('optscale.config.keys.v1', keyHash('boom'), keySnapshot('boom'));
    await bus.publish('optscale.config.keys.v1', keyHash('ok'), keySnapshot('ok'));
    await eventually(() => expect(seen).toEqual([keyHash('ok')]));
    expect(bus.health().lastError?.message).toBe('handler failed');
    await bus.close();
    await expect(
      bus.publish('optscale.config.keys.v1', keyHash('late'), keySnapshot('late')),
    ).rejects.toThrow('closed');
  });

  it('hands subscribers a parsed copy, never the publisher object', async () => {
    const bus = new InProcessBus();
    const value = keySnapshot('copy');
    await bus.publish('optscale.config.keys.v1', keyHash('copy'), value);
    value.active = false;
    const got: unknown[] = [];
    await (
      await bus.subscribe('optscale.config.keys.v1', (m) => void got.push(m.value), { onInvalid: noInvalid })
    ).caughtUp();
    expect(got).toEqual([keySnapshot('copy')]);
    await bus.close();
  });
});
