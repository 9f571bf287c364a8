/**
 * "The store is not answering": a timeout or a connection error of Redis, the database or a
 * custom store. The Express layer answers it with 503 and `Retry-After` (express/unavailable.ts).
 *
 * It also carries what Express's own final handler reads (`status`, `headers`, `expose`) and a
 * stack of just its message, so an app without `auth.errorHandler()` still answers 503 with
 * `Retry-After` and never prints pow's (or the driver's) stack frames, in development too.
 */
export const STORE_RETRY_AFTER_SECONDS = 5;

export class StoreUnavailableError extends Error {
  readonly code = 'POW_STORE_UNAVAILABLE';
  readonly status = 503;
  readonly statusCode = 503;
  readonly expose = true;
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;
  readonly headers = { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) };

  constructor(detail: string, options?: { cause?: unknown }) {
    super(`pow: the store is unavailable (${detail})`, options);
    this.name = 'StoreUnavailableError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

// Socket-level failures (Node), and the driver errors that mean "cannot reach / lost the server".
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_DESTROYED',
  'ERR_SOCKET_CLOSED',
  // Prisma: can't reach / timed out / server closed the connection / pool timeout.
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  // PostgreSQL: statement timeout (query_canceled), shutting down, cannot connect now,
  // connection exceptions (class 08).
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  // MariaDB driver.
  'ER_GET_CONNECTION_TIMEOUT',
  'ER_CONNECTION_TIMEOUT',
  'ER_SOCKET_UNEXPECTED_CLOSE',
  'ER_CONNECTION_ALREADY_CLOSED',
  'ER_CLOSING_POOL',
  'ER_POOL_ALREADY_CLOSED',
  'ER_SOCKET_TIMEOUT',
  'ER_CMD_CONNECTION_CLOSED',
  'ER_SERVER_SHUTDOWN',
]);
// node-redis 5 error classes, matched by class name (they keep `name` "Error", and the app may
// bring its own copy of the package).
const NETWORK_NAMES = new Set([
  'DisconnectsClientError',
  'ClientOfflineError',
  'ClientClosedError',
  'ConnectionTimeoutError',
  'SocketClosedUnexpectedlyError',
  'SocketTimeoutError',
  'ReconnectStrategyError',
  'TimeoutError',
  'AbortError',
]);
// pg and pg-pool (the PrismaPg adapter's driver) give their timeouts (`connectionTimeoutMillis`,
// `query_timeout` of pgPoolOptions) no code: they are matched by message.
const NETWORK_MESSAGE =
  /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|Connection lost|connection closed|Can't reach database|timed out fetching a new connection|Client network socket disconnected|socket hang up|The client is (closed|offline)|Disconnects client|Socket closed unexpectedly|pool timeout|Connection timeout)\b|^(timeout exceeded when trying to connect|Query read timeout)|^(LOADING|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN) /i;

/** True for a timeout or a lost/refused connection, looking through `cause` chains. */
export function isOutage(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  if (error instanceof StoreUnavailableError) return true;
  const { code, name, message, cause } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (typeof name === 'string' && NETWORK_NAMES.has(name)) return true;
  if (NETWORK_NAMES.has((error as { constructor?: { name?: string } }).constructor?.name ?? '')) return true;
  if (typeof message === 'string' && NETWORK_MESSAGE.test(message)) return true;
  // Prisma driver adapters wrap the driver's error in `cause` (and sometimes `meta.cause`).
  const meta = (error as { meta?: { cause?: unknown } }).meta;
  return isOutage(cause, depth + 1) || isOutage(meta?.cause, depth + 1);
}
