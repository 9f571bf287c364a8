/**
 * The Redis connection a `redisStore(url)` owns, configured so that it never hangs for good and
 * never needs a process restart (node-redis 5.9).
 *
 * What went wrong with the defaults: node-redis sends `CLIENT SETINFO` during its connect
 * handshake and ignores failures of it (old servers lack the command). When the socket dies
 * right then (a reset during reconnect), those commands fail, the failure is ignored, and the
 * client marks itself ready on the dead socket: its error was seen while "not ready", so no
 * reconnect is scheduled, and every later command waits forever for a reply. node-redis's own
 * command `timeout` does not help: it only covers commands not yet written to the socket, and
 * `pingInterval` pings stop after the first one that gets no answer.
 *
 * So:
 * - `disableClientInfo: true`: an empty handshake on a password-less connection (AUTH/SELECT,
 *   when configured, fail the handshake properly), so a reset during reconnect is seen as one
 *   and reconnects again. This removes the cause.
 * - `recover()`, called by the store's deadline (stores/deadline.ts) when a command got no answer
 *   in time: the client is destroyed and the next command opens a fresh one. This covers every
 *   other way a socket can stop answering (half-open TCP, a paused server, a future bug).
 * - `disableOfflineQueue: true`: while reconnecting, commands fail at once (503) instead of
 *   queueing; `commandsQueueMaxLength` bounds what waits for replies on a live socket.
 * - `connectTimeout` and a capped reconnect back-off keep a fresh server found within seconds.
 *
 * node-redis stays (rather than ioredis or valkey-glide): it is the client pow already ships and
 * the one `redisStore(client)` accepts; with these options and pow's deadline it recovers alone,
 * and the reconnect-reset test (test/integration/redis-faults.test.ts) holds it to that.
 */
import type { RedisLike } from './redis.js';

/** Reconnect forever with a back-off capped at 1 s, so a returning server is found quickly. */
const backOff = (retries: number) => Math.min(50 * 2 ** retries, 1000);

/**
 * node-redis `createClient` options pow uses for its own connection; an app that passes its own
 * client to `redisStore(client)` should create it with them: `createClient(redisClientOptions(url))`.
 */
export function redisClientOptions(url: string) {
  return {
    url,
    disableClientInfo: true,
    disableOfflineQueue: true,
    commandsQueueMaxLength: 10_000,
    socket: { connectTimeout: 2000, reconnectStrategy: backOff },
  };
}

interface OwnedClient {
  client: RedisLike;
  destroy(): void;
  close(): Promise<void>;
}

/** A lazily opened, replaceable connection to `url`. */
export function ownedRedisConnection(urlOf: () => string) {
  let current: Promise<OwnedClient> | undefined;
  let recycledAt = 0;

  async function open(): Promise<OwnedClient> {
    const { createClient } = await import('redis');
    // Read when the first command needs the connection (the URL may come from .env, loaded late).
    const url = urlOf();
    const options = redisClientOptions(url);
    let ready = false;
    const client = createClient({
      ...options,
      socket: {
        ...options.socket,
        // The first connection fails fast (the next request tries again); later ones back off.
        reconnectStrategy: (retries: number, cause: Error) =>
          ready ? backOff(retries) : retries < 2 ? 100 : cause,
      },
    });
    let lastError: unknown;
    client.on('error', (error: unknown) => {
      // Reconnects are automatic; command failures reach the caller as rejections.
      lastError = error;
    });
    client.on('ready', () => {
      ready = true;
    });
    try {
      await client.connect();
    } catch (error) {
      if (client.isOpen) client.destroy();
      const reason = lastError ?? error;
      throw new Error(
        `pow redisStore: cannot connect to Redis at ${new URL(url).host}: ${reason instanceof Error ? reason.message : String(reason)}`,
        { cause: error },
      );
    }
    return {
      client: client as unknown as RedisLike,
      destroy() {
        if (client.isOpen) client.destroy();
      },
      async close() {
        if (client.isOpen) await client.close();
      },
    };
  }

  return {
    get(): Promise<OwnedClient> {
      if (!current) {
        const pending = open();
        current = pending;
        pending.catch(() => {
          if (current === pending) current = undefined;
        });
      }
      return current;
    },
    /** Drops the connection (at most once a second: many calls time out together). */
    recycle(): void {
      const now = Date.now();
      if (!current || now - recycledAt < 1000) return;
      recycledAt = now;
      const stale = current;
      current = undefined;
      stale.then(
        (owned) => owned.destroy(),
        () => {},
      );
    },
    async close(): Promise<void> {
      const pending = current;
      current = undefined;
      if (pending) await (await pending).close();
    },
  };
}
