/**
 * The `security-log` extension: an append-only table of account events per user
 * (`<UserModel>SecurityEvent`), written from pow's security-event channel
 * (core/security-events.ts), read back by the owned "security log" page, and the new-device mail.
 *
 * - Append-only: pow inserts rows and deletes the ones older than the retention (lazily, at most
 *   once an hour per process, off the flow that emitted); it never updates one.
 * - No secrets: a row holds the event's name, time, IP address, user agent (clipped), an opaque
 *   device name (a hash of the device cookie, never its value) and display-safe `detail` words;
 *   detail keys that name secrets (password, token, code, ...) are dropped before writing, as a
 *   last line behind the emitters' own rule.
 * - Never slows a flow noticeably: by default a flow does not wait for the write at all (it runs
 *   in the background; `writeWaitMs` makes flows wait up to that long, for read-your-writes); a
 *   failed write is reported on stderr and never fails the account action that already happened.
 * - New device: before writing a sign-in, the log looks for an earlier sign-in of the user from
 *   the same device (security-log-device.ts decides what "same" means). The user's first recorded
 *   sign-in (after registration, an invitation, or the extension's installation) has nothing to
 *   compare with and sends nothing. The mail itself is queued through the mail layer
 *   (deliverLater), so neither the check's query nor SMTP is on the sign-in's path.
 */
import { PowError } from '../../shared/pow-error.js';
import type { Pow, PrismaLike } from '../core/types.js';
import { delegateName } from '../core/users.js';
import { deadlineOf } from '../core/pow-deadline.js';
import { boundedDelegate } from '../stores/deadline.js';
import { SECURITY_EVENT_NAMES, type SecurityEvent, type SecurityEventName } from '../core/security-events.js';
import { describeUserAgent } from './sessions.js';
import { sameBrowserFamily } from './security-log-device.js';

export const DEFAULT_RETENTION_DAYS = 90;
export const DEFAULT_PAGE_SIZE = 25;
/**
 * How long a flow's emit waits for the log's write before it goes on (the write then finishes in
 * the background). 0: not at all. A row costs an insert (and a sign-in two counts), measured at a
 * median of 20 ms on a loaded machine's SQLite: too much to add to every sign-in by default.
 */
export const DEFAULT_WRITE_WAIT_MS = 0;
const DAY_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const MAX_USER_AGENT_LENGTH = 512;
const MAX_DETAIL_VALUE_LENGTH = 200;
const MAX_DETAIL_KEYS = 8;
/** Detail keys that would hold a secret: dropped whatever the emitter meant. */
const SECRET_KEY = /pass(word|phrase)?$|password|secret|token|hash|cookie|otp|totp|^code$|recovery_?code/i;
/** Events that start a session: the new-device check runs on these. */
const SIGN_IN_EVENTS: readonly SecurityEventName[] = ['sign-in', 'magic-link-sign-in'];
/** How many earlier sign-ins the browser-family fallback compares with. */
const FAMILY_LOOKBACK = 50;

export interface SecurityLogOptions {
  /** Days a row is kept; older rows are deleted (lazily) and never shown. Default 90. */
  retentionDays?: number;
  /** Entries per page of the log page. Default 25 (at most 100). */
  pageSize?: number;
  /** Mail the user when a sign-in comes from a browser not seen before. Default true. */
  newDeviceMail?: boolean;
  /** Longest wait of an emitting flow on the log's write, in ms. Default 250. */
  writeWaitMs?: number;
}

/** One row as the log page shows it (no device name: it means nothing to people). */
export interface SecurityLogEntry {
  id: string;
  name: SecurityEventName;
  at: Date;
  ip: string | null;
  browser: string | null;
  os: string | null;
  detail: Record<string, string>;
}

export interface SecurityLogPage {
  entries: SecurityLogEntry[];
  /** 1-based. */
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  /** How many days the log keeps (for the page's "the last N days"). */
  retentionDays: number;
}

/** A sign-in from a browser the log has not seen for this user. */
export interface NewDeviceSignIn {
  userId: string | number;
  at: number;
  browser: string | null;
  os: string | null;
}

export interface SecurityLog {
  /** The listener: writes one event (and checks sign-ins for a new device). Never throws. */
  record(event: SecurityEvent & { at: number }): Promise<void>;
  /** One page of the user's own events, newest first, within the retention. */
  list(userId: string | number, page?: unknown): Promise<SecurityLogPage>;
  /** Deletes rows older than the retention; the number deleted. */
  prune(): Promise<number>;
  /** Resolves when every write, prune and check started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
  readonly options: Readonly<Required<SecurityLogOptions>>;
}

interface EventRow {
  id: number | string | bigint;
  userId: unknown;
  name: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
  device: string | null;
  detail: string | null;
}

interface EventDelegate {
  create(args: { data: Record<string, unknown> }): Promise<unknown>;
  findMany(args: Record<string, unknown>): Promise<EventRow[]>;
  count(args: Record<string, unknown>): Promise<number>;
  deleteMany(args: Record<string, unknown>): Promise<{ count: number }>;
}

/** The model of a user model's security log ("User" → "UserSecurityEvent"). */
export function securityEventModelName(userModel: string): string {
  return `${userModel}SecurityEvent`;
}

/** `value`, checked to lie in [min, max] (min exclusive when 0 is not allowed), or the fallback. */
function numberOption(
  key: string,
  value: unknown,
  fallback: number,
  { max = Infinity, zero = false }: { max?: number; zero?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (value === 0 && !zero) ||
    value > max
  ) {
    throw new PowError({
      code: 'POW_CONFIG_INVALID',
      message: `powExpress: securityLog.${key} must be a ${zero ? 'non-negative' : 'positive'} number${max < Infinity ? ` up to ${max}` : ''} (got ${String(value)}).`,
    });
  }
  return value;
}

export function resolveSecurityLogOptions(
  options: SecurityLogOptions | undefined,
): Required<SecurityLogOptions> {
  const given = options ?? {};
  return {
    retentionDays: numberOption('retentionDays', given.retentionDays, DEFAULT_RETENTION_DAYS),
    pageSize: Math.floor(numberOption('pageSize', given.pageSize, DEFAULT_PAGE_SIZE, { max: 100 })),
    newDeviceMail: given.newDeviceMail ?? true,
    writeWaitMs: numberOption('writeWaitMs', given.writeWaitMs, DEFAULT_WRITE_WAIT_MS, { zero: true }),
  };
}

/** Display-safe detail: string values only, clipped, no key that names a secret. */
export function safeDetail(detail: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!detail || typeof detail !== 'object') return out;
  for (const [key, value] of Object.entries(detail as Record<string, unknown>)) {
    if (Object.keys(out).length >= MAX_DETAIL_KEYS) break;
    if (SECRET_KEY.test(key) || !/^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(key)) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    out[key] = String(value).slice(0, MAX_DETAIL_VALUE_LENGTH);
  }
  return out;
}

function parseDetail(text: string | null): Record<string, string> {
  if (!text) return {};
  try {
    return safeDetail(JSON.parse(text));
  } catch {
    return {};
  }
}

function isEventName(value: string): value is SecurityEventName {
  return (SECURITY_EVENT_NAMES as readonly string[]).includes(value);
}

function pageNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 1;
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

export function createSecurityLog(
  pow: Pick<Pow, 'userModel' | 'userType' | 'clock'>,
  args: {
    prisma: PrismaLike;
    options?: SecurityLogOptions;
    /** Called (off the sign-in's path) for a sign-in from a browser not seen before. */
    onNewDevice?: (signIn: NewDeviceSignIn) => void;
  },
): SecurityLog {
  const options = resolveSecurityLogOptions(args.options);
  const model = securityEventModelName(pow.userModel);
  const raw = (args.prisma as Record<string, unknown>)[delegateName(model)] as EventDelegate | undefined;
  if (!raw || typeof raw.create !== 'function' || typeof raw.findMany !== 'function') {
    throw new PowError({
      code: 'POW_EXTENSION_CONFIG',
      message: `The security-log extension of user type "${pow.userType}" writes to model ${model}, but the Prisma client has no \`prisma.${delegateName(model)}\`.`,
      fix: 'Run `npx pow install --extension security-log` (it adds the model and its migration), migrate, and `npx prisma generate`.',
    });
  }
  // Writes, the page's reads and pruning within the instance's deadline (a stalled database fails
  // the log page with 503 and never holds a write open).
  const delegate = boundedDelegate(raw, ['create', 'findMany', 'count', 'deleteMany'], deadlineOf(pow));
  const retentionMs = options.retentionDays * DAY_MS;
  const cutoff = () => new Date(pow.clock() - retentionMs);
  const pending = new Set<Promise<unknown>>();
  let lastPrune = Number.NEGATIVE_INFINITY;

  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    const done = () => pending.delete(work);
    work.then(done, done);
    return work;
  };

  const report = (what: string, error: unknown) => {
    // One line: Prisma's messages span several, and the cause is the last one.
    const message = error instanceof Error ? error.message : String(error);
    const reason =
      message
        .split('\n')
        .filter((line) => line.trim() !== '')
        .pop() ?? 'unknown error';
    process.stderr.write(`pow: security log: ${what} failed: ${reason.trim()}\n`);
  };

  async function prune(): Promise<number> {
    lastPrune = pow.clock();
    const { count } = await delegate.deleteMany({ where: { at: { lt: cutoff() } } });
    return count;
  }

  /** Lazily, at most once an hour per process: the table stays bounded without a cron job. */
  function maybePrune(): void {
    if (pow.clock() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = pow.clock();
    void track(prune()).catch((error: unknown) => report('pruning old events', error));
  }

  /** True when this sign-in's browser has not signed in as this user before (within the retention). */
  async function isNewDevice(event: SecurityEvent & { at: number }): Promise<boolean> {
    const signIns = { userId: event.userId, name: { in: [...SIGN_IN_EVENTS] }, at: { gte: cutoff() } };
    if (typeof event.device === 'string' && event.device !== '') {
      const seen = await delegate.count({ where: { ...signIns, device: event.device } });
      if (seen > 0) return false;
      return (await delegate.count({ where: signIns })) > 0;
    }
    // No device cookie behind this event (an emitter outside the Express layer): compare the
    // browser and OS family with the user's recent sign-ins.
    const earlier = await delegate.findMany({
      where: signIns,
      orderBy: [{ at: 'desc' }],
      take: FAMILY_LOOKBACK,
      select: { userAgent: true },
    });
    if (earlier.length === 0) return false;
    return !earlier.some((row) => sameBrowserFamily(row.userAgent, event.userAgent));
  }

  async function write(event: SecurityEvent & { at: number }): Promise<void> {
    const checkDevice =
      options.newDeviceMail && args.onNewDevice !== undefined && SIGN_IN_EVENTS.includes(event.name);
    // A restored remember-me session is the browser the token was issued to: no mail.
    const newDevice =
      checkDevice && event.detail?.method !== 'remember-me' ? await isNewDevice(event) : false;
    const detail = safeDetail(event.detail);
    await delegate.create({
      data: {
        userId: event.userId,
        name: event.name,
        at: new Date(event.at),
        ip: typeof event.ip === 'string' && event.ip !== '' ? event.ip.slice(0, 64) : null,
        userAgent:
          typeof event.userAgent === 'string' && event.userAgent !== ''
            ? event.userAgent.slice(0, MAX_USER_AGENT_LENGTH)
            : null,
        device: typeof event.device === 'string' && event.device !== '' ? event.device.slice(0, 64) : null,
        detail: Object.keys(detail).length > 0 ? JSON.stringify(detail) : null,
      },
    });
    if (newDevice) {
      args.onNewDevice!({ userId: event.userId, at: event.at, ...describeUserAgent(event.userAgent) });
    }
  }

  return {
    options,

    async record(event) {
      if (!isEventName(event.name) || event.userId === undefined || event.userId === null) return;
      const work = track(write(event)).catch((error: unknown) => report(`recording "${event.name}"`, error));
      maybePrune();
      // Optionally read-your-writes (writeWaitMs), never more than a bounded wait.
      if (options.writeWaitMs > 0) await Promise.race([work, sleep(options.writeWaitMs)]);
    },

    async list(userId, page) {
      const number = pageNumber(page);
      const size = options.pageSize;
      const rows = await delegate.findMany({
        where: { userId, at: { gte: cutoff() } },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        skip: (number - 1) * size,
        take: size + 1,
      });
      const entries = rows.slice(0, size).flatMap((row): SecurityLogEntry[] =>
        isEventName(row.name)
          ? [
              {
                id: String(row.id),
                name: row.name,
                at: new Date(row.at),
                ip: row.ip,
                ...describeUserAgent(row.userAgent),
                detail: parseDetail(row.detail),
              },
            ]
          : [],
      );
      return {
        entries,
        page: number,
        hasPrevious: number > 1,
        hasNext: rows.length > size,
        retentionDays: options.retentionDays,
      };
    },

    prune: () => track(prune()),

    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
