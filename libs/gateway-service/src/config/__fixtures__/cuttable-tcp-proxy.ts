import { connect, createServer, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * A loopback TCP proxy to one broker that a test can cut (every open connection destroyed, new ones
 * refused) and restore, to play a Kafka outage without touching the shared broker. `socketFactory`
 * sends every kafkajs connection through it, including those to the address the broker advertises
 * in its metadata, which would otherwise bypass a proxy given only as the bootstrap address. That is
 * right for the single-broker local stack only.
 */
export interface CuttableTcpProxy {
  socketFactory: ISocketFactory;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCuttableTcpProxy(broker: string): Promise<CuttableTcpProxy> {
  const colon = broker.lastIndexOf(':');
  const target = { host: broker.slice(0, colon), port: Number(broker.slice(colon + 1)) };
  const open = new Set<Socket>();
  let isCut = false;
  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(from);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        open.delete(from);
        to.destroy();
      });
      from.pipe(to);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  return {
    socketFactory: ({ onConnect }) => {
      const socket = connect({ host: '127.0.0.1', port: address.port }, onConnect);
      socket.setKeepAlive(true, 60_000);
      return socket;
    },
    cut: () => {
      isCut = true;
      for (const socket of open) socket.destroy();
    },
    restore: () => {
      isCut = false;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
