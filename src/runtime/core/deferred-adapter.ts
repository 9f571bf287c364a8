/**
 * `deferredAdapter(provider, url, create)`: a Prisma driver adapter factory that reads its
 * connection URL when the client first connects, not when the module that builds the client is
 * imported.
 *
 * Prisma 7's adapter factories (`new PrismaPg({ connectionString })`, `new PrismaBetterSqlite3({ url })`,
 * `new PrismaMariaDb(url)`) take the URL at construction, and `new PrismaClient({ adapter })`
 * reads only the factory's `provider` up front (to check it against the schema). So the factory
 * pow hands to PrismaClient knows its provider at once and builds the real factory, from the URL
 * read then, on the first `connect()`. The URL is also one of pow's start-up checks
 * (deferred.ts): a missing DATABASE_URL stops the app at `auth.middleware()` with pow's message.
 */
import { deferredSetting, type Deferred, type Setting } from './deferred.js';

/** The part of Prisma's `SqlDriverAdapterFactory` pow relies on (structural: no Prisma import). */
export interface DriverAdapterFactory {
  readonly provider: string;
  readonly adapterName: string;
  connect(): Promise<unknown>;
}

/** Prisma's adapter providers (`SqlDriverAdapterFactory['provider']`). */
export type AdapterProvider = 'postgres' | 'mysql' | 'sqlite' | 'sqlserver';

export function deferredAdapter<F extends DriverAdapterFactory>(
  provider: AdapterProvider,
  url: Deferred<string | undefined>,
  create: (url: string) => F,
): F {
  const connectionUrl = deferredSetting<string>(
    url,
    {
      key: 'deferredAdapter(url)',
      purpose: 'the Prisma client connects to the database with it',
      expected: 'the database connection URL',
    },
    { required: true },
  ) as Setting<string>;
  let factory: F | undefined;
  const real = (): F => {
    if (factory) return factory;
    const made = create(connectionUrl.get());
    if (made.provider !== provider) {
      throw new TypeError(
        `pow: deferredAdapter was declared for "${provider}" but built a "${made.provider}" adapter`,
      );
    }
    return (factory = made);
  };
  const lazy = {
    provider,
    get adapterName() {
      return real().adapterName;
    },
    // async: a missing URL is a rejected connect, as Prisma expects, not a synchronous throw.
    connect: async () => real().connect(),
    // Migration tools ask for a shadow database; forward when the real factory can make one.
    connectToShadowDb: async () => {
      const shadow = (real() as { connectToShadowDb?: () => Promise<unknown> }).connectToShadowDb;
      if (!shadow) throw new Error(`pow: ${real().adapterName} cannot connect to a shadow database`);
      return shadow.call(real());
    },
  };
  return lazy as unknown as F;
}
