import { connect } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { startCuttableProxy, type CuttableProxy } from '@optscale/testing';

/**
 * A cuttable proxy (libs/testing) to one broker, to play a Kafka outage. `socketFactory` sends every
 * kafkajs connection through it, including those to the address the broker advertises in its
 * metadata, which would otherwise bypass a proxy given only as the bootstrap address. That is right
 * for the single-broker local stack only.
 */
export interface CuttableTcpProxy extends Omit<CuttableProxy, 'port'> {
  socketFactory: ISocketFactory;
}

export async function startCuttableTcpProxy(broker: string): Promise<CuttableTcpProxy> {
  const colon = broker.lastIndexOf(':');
  const proxy = await startCuttableProxy({
    host: broker.slice(0, colon),
    port: Number(broker.slice(colon + 1)),
  });
  return {
    socketFactory: ({ onConnect }) => {
      const socket = connect({ host: '127.0.0.1', port: proxy.port }, onConnect);
      socket.setKeepAlive(true, 60_000);
      return socket;
    },
    cut: () => proxy.cut(),
    restore: () => proxy.restore(),
    close: () => proxy.close(),
  };
}
