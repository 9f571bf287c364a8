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
 * A Redis Cluster is found by asking the first node (`INFO cluster`), so the same REDIS_URL
 * form serves both: one URL, or several seed nodes separated by commas. On a cluster the store
 * talks through node-redis's `createCluster` with the same options for every node connection,
 * and `recover()` replaces the whole cluster client.
 *
 * node-redis stays (rather than ioredis or valkey-glide): it is the client pow already ships and
 * the one `redisStore(client)` accepts; with these options and pow's deadline it recovers alone,
 * and the reconnect-reset test (test/integration/redis-faults.test.ts) holds it to that.
 */
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

/**
 * node-redis `createCluster` options with the same fault handling for every node connection:
 * `createCluster(redisClusterOptions(['redis://a:7000', 'redis://b:7001']))`. The credentials
 * and TLS of the first URL apply to the nodes the cluster reports (which come without them).
 */
export function redisClusterOptions(urls: readonly string[]) {
  const first = new URL(urls[0]);
  const { url: _, socket, ...client } = redisClientOptions(urls[0]);
  return {
    rootNodes: urls.map((url) => ({ url })),
    defaults: {
      ...client,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      socket: { ...socket, ...(first.protocol === 'rediss:' ? { tls: true as const } : {}) },
    },
  };
}

/** The URLs of a REDIS_URL value: one, or several seed nodes of a cluster separated by commas. */
export function redisUrls(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** How the store sends one command: `firstKey` routes it on a cluster. */
export interface RedisSender {
  readonly clustered: boolean;
  send(firstKey: string | undefined, args: string[]): Promise<unknown>;
}

interface OwnedClient extends RedisSender {
  destroy(): void;
  close(): Promise<void>;
}

interface NodeRedisHandle {
  isOpen: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<unknown>;
  destroy(): void;
  close(): Promise<void>;
}

/** How long opening a connection (or a cluster's) may take before the next command starts over. */
const OPEN_TIMEOUT_MS = 5000;

/** A lazily opened, replaceable connection to the server or cluster of `urlOf()`. */
export function ownedRedisConnection(urlOf: () => string) {
  let current: Promise<OwnedClient> | undefined;
  let recycledAt = 0;

  /** Connects `handle`; a failure names the server and the first error the client saw. */
  async function connect(handle: NodeRedisHandle, where: string, ready: { value: boolean }) {
    let lastError: unknown;
    handle.on('error', (error: unknown) => {
      // Reconnects are automatic; command failures reach the caller as rejections.
      lastError = error;
    });
    try {
      await handle.connect();
      ready.value = true;
    } catch (error) {
      if (handle.isOpen) handle.destroy();
      const reason = lastError ?? error;
      throw new Error(
        `pow redisStore: cannot connect to Redis at ${where}: ${reason instanceof Error ? reason.message : String(reason)}`,
        { cause: error },
      );
    }
  }

  function owned(handle: NodeRedisHandle, clustered: boolean, send: RedisSender['send']): OwnedClient {
    return {
      clustered,
      send,
      destroy() {
        if (handle.isOpen) handle.destroy();
      },
      async close() {
        if (handle.isOpen) await handle.close();
      },
    };
  }

  async function open(load: () => Promise<typeof import('redis')>): Promise<OwnedClient> {
    const { createClient, createCluster } = await load();
    // Read when the first command needs the connection (the URL may come from .env, loaded late).
    const urls = redisUrls(urlOf());
    const options = redisClientOptions(urls[0]);
    const ready = { value: false };
    const client = createClient({
      ...options,
      socket: {
        ...options.socket,
        // The first connection fails fast (the next request tries again); later ones back off.
        reconnectStrategy: (retries: number, cause: Error) =>
          ready.value ? backOff(retries) : retries < 2 ? 100 : cause,
      },
    });
    await connect(client as unknown as NodeRedisHandle, new URL(urls[0]).host, ready);
    const info = String(await client.sendCommand(['INFO', 'cluster']));
    if (!/^cluster_enabled:1\b/m.test(info)) {
      if (urls.length > 1) {
        client.destroy();
        throw new Error(
          `pow redisStore: REDIS_URL lists ${urls.length} servers, but ${new URL(urls[0]).host} is not a Redis Cluster node. ` +
            'Give one URL for a single server, or the nodes of a cluster.',
        );
      }
      return owned(client as unknown as NodeRedisHandle, false, (_, args) => client.sendCommand(args));
    }
    // A cluster node: the seed connection has done its job.
    client.destroy();
    const cluster = createCluster(redisClusterOptions(urls));
    await connect(cluster as unknown as NodeRedisHandle, urls.map((url) => new URL(url).host).join(', '), {
      value: false,
    });
    return owned(cluster as unknown as NodeRedisHandle, true, (firstKey, args) =>
      cluster.sendCommand(firstKey, false, args),
    );
  }

  /** The connection, once open (a connection still opening is bounded by connectTimeout). */
  let opened: OwnedClient | undefined;
  // node-redis is loaded as soon as the store is made (not at the first request, where loading
  // it on a busy machine can take longer than the store deadline); still only if it is used.
  let redisModule: Promise<typeof import('redis')> | undefined;
  const loadRedis = () => (redisModule ??= import('redis'));
  loadRedis().catch(() => {});

  return {
    get(): Promise<OwnedClient> {
      if (!current) {
        const pending = open(loadRedis);
        current = pending;
        opened = undefined;
        // An opening that hangs (a server paused between connect and the first reply) is given
        // up, so the next command starts a fresh one; if it still opens later, it is closed.
        const giveUp = setTimeout(() => {
          if (current === pending) current = undefined;
        }, OPEN_TIMEOUT_MS);
        giveUp.unref?.();
        pending.then(
          (client) => {
            clearTimeout(giveUp);
            if (current === pending) opened = client;
            else client.destroy();
          },
          () => {
            clearTimeout(giveUp);
            if (current === pending) current = undefined;
          },
        );
      }
      return current;
    },
    /**
     * Drops an open connection that stopped answering (at most once a second: many calls time
     * out together). One still opening is left to finish or fail: replacing it would only start
     * over, and on a slow start never finish.
     */
    recycle(): void {
      const now = Date.now();
      if (!opened || now - recycledAt < 1000) return;
      recycledAt = now;
      const stale = opened;
      current = undefined;
      opened = undefined;
      stale.destroy();
    },
    async close(): Promise<void> {
      const pending = current;
      current = undefined;
      opened = undefined;
      if (pending) await (await pending).close();
    },
  };
}
