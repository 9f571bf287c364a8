/**
 * The Express side of account events and of the `security-log` extension:
 *
 * - `emit` gives an event of a flow the request's IP address, user agent and (with security-log)
 *   device name, and hands it to `pow.securityEvents`. Emitting never throws: the account action
 *   has already happened. `emitLater` runs work an event needs (a lookup) after the response's
 *   path, so a refused sign-in answers as fast for a known account as for an unknown one.
 * - The device cookie (`<cookieName>_device`): a random id, signed, HttpOnly, set at the start of a
 *   session when the browser has none, kept across sign-outs (it names the browser, not a
 *   session); only with security-log on. The log stores a keyed hash of it
 *   (extensions/security-log-device.ts says why a cookie).
 * - With security-log on: the log listens to `pow.securityEvents`, and a sign-in from a browser
 *   the log has not seen for the user mails a notice (time, browser, a link to the sessions page,
 *   else the account page) through the extensions' mail layer, off the sign-in's path.
 */
import { PowError } from '../../shared/pow-error.js';
import type { Pow, UserRecord } from '../core/types.js';
import type { SecurityEventName } from '../core/security-events.js';
import { randomToken } from '../core/crypto.js';
import type { MailLinkName, PowExtensions } from '../extensions/index.js';
import {
  createSecurityLog,
  type NewDeviceSignIn,
  type SecurityLog,
  type SecurityLogOptions,
  type SecurityLogPage,
} from '../extensions/security-log.js';
import { deviceName } from '../extensions/security-log-device.js';
import type { Translator } from '../i18n/index.js';
import {
  createSigner,
  readCookie,
  serializeCookie,
  setCookieHeader,
  type CookieAttributes,
} from './cookies.js';
import type { PrismaLike } from '../core/types.js';
import type { Request, Response, RoutesCallbacks } from './types.js';

/** Browsers cap cookie lifetimes at 400 days (Chrome); the device cookie asks for that. */
const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

export interface SecurityLogHost {
  readonly pow: Pow;
  readonly userType: string;
  /** The session cookie's name and attributes, read on first use (they resolve when pow is mounted). */
  sessionCookie(): { name: string; attributes: CookieAttributes };
  readonly routes: RoutesCallbacks;
  readonly translator: Translator;
  readonly prisma: PrismaLike | undefined;
  readonly services: PowExtensions | null;
  readonly options: SecurityLogOptions | undefined;
  currentUser(req: Request): UserRecord | null;
  notAuthenticated(): Error;
}

export interface ExpressSecurityLog {
  /** At the start of a session: gives the browser a device cookie if it has none (security-log only). */
  seeDevice(req: Request, res: Response): void;
  /** Emits `name` for `userId` with the request's IP, user agent and device. Never throws. */
  emit(
    req: Request,
    name: SecurityEventName,
    userId: string | number,
    detail?: Record<string, string>,
  ): Promise<void>;
  /**
   * Runs `produce` in the background (only when someone listens) and emits what it returns:
   * for events whose user must first be looked up.
   */
  emitLater(
    req: Request,
    produce: () => Promise<Array<{ name: SecurityEventName; userId: string | number }>>,
  ): void;
  /** Resolves when background emits and the log's writes have finished (tests, shutdown). */
  settled(): Promise<void>;
  api: {
    listSecurityEvents(req: Request, page?: unknown): Promise<SecurityLogPage>;
    emitSecurityEvent(
      req: Request,
      event: { name: SecurityEventName; userId?: string | number; detail?: Record<string, string> },
    ): Promise<void>;
  };
}

const logs = new WeakMap<Pow, () => void>();

export function createExpressSecurityLog(host: SecurityLogHost): ExpressSecurityLog {
  const { pow } = host;
  const enabled = pow.extensions.includes('security-log');
  let deviceCookie: string | undefined;
  const deviceCookieName = (): string => {
    if (deviceCookie === undefined) {
      const name = `${host.sessionCookie().name}_device`;
      serializeCookie(name, 'x');
      deviceCookie = name;
    }
    return deviceCookie;
  };
  const signer = createSigner(() => pow.secret, `device:${host.userType}`);
  const devices = new WeakMap<Request, string>();
  const pending = new Set<Promise<void>>();

  let log: SecurityLog | null = null;
  if (enabled) {
    if (!host.prisma) {
      throw new PowError({
        code: 'POW_CONFIG_INVALID',
        message: `powExpress: the security-log extension of user type "${host.userType}" needs the Prisma client.`,
        fix: 'Pass `prisma` (the client given to createPow) to powExpress(pow, { prisma, ... }).',
      });
    }
    log = createSecurityLog(pow, {
      prisma: host.prisma,
      options: host.options,
      onNewDevice: (signIn) => mailNewDevice(signIn),
    });
    // One log per pow instance: a second powExpress over the same pow replaces the first's.
    logs.get(pow)?.();
    const writer = log;
    logs.set(
      pow,
      pow.securityEvents.listen((event) => writer.record(event)),
    );
  }

  /** The page the new-device mail sends people to: the sessions page, else the account page. */
  const mailLink = (): MailLinkName => {
    for (const name of ['sessions.index', 'registration.edit', 'security_log.index'] as const) {
      if (host.routes.has(name)) return name;
    }
    return 'session.new';
  };

  function mailNewDevice(signIn: NewDeviceSignIn): void {
    const services = host.services;
    if (!services?.context.options.mail) return;
    const work = (async () => {
      const user = await pow.users.getBy({ id: signIn.userId });
      const to = typeof user?.email === 'string' ? user.email : '';
      if (!user || to === '') return;
      const locale = host.translator.defaultLocale;
      const t = (key: string, params?: Record<string, string>) => host.translator.t(locale, key, params);
      const time = `${new Intl.DateTimeFormat(locale, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: 'UTC',
      }).format(new Date(signIn.at))} UTC`;
      const device = t('pages.security_log.index.device', {
        browser: signIn.browser ?? t('pages.security_log.index.unknown_browser'),
        os: signIn.os ?? t('pages.security_log.index.unknown_os'),
      });
      services.context.sendMail('new_device', to, user, { time, device }, { name: mailLink() });
    })().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`pow: security log: the new-device mail failed: ${reason}\n`);
    });
    track(work);
  }

  function track(work: Promise<void>): void {
    pending.add(work);
    void work.then(() => pending.delete(work));
  }

  function deviceOf(req: Request): string | undefined {
    const known = devices.get(req);
    if (known !== undefined) return known;
    const raw = readCookie(req.headers.cookie, deviceCookieName());
    const id = raw === undefined ? null : signer.unsign(raw);
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  function meta(req: Request): { ip?: string; userAgent?: string; device?: string } {
    const ip = req.ip ?? req.socket?.remoteAddress ?? undefined;
    const ua = req.headers['user-agent'];
    const id = enabled ? deviceOf(req) : undefined;
    return {
      ...(typeof ip === 'string' ? { ip } : {}),
      ...(typeof ua === 'string' ? { userAgent: ua } : {}),
      ...(id !== undefined ? { device: deviceName(pow.secret, host.userType, id) } : {}),
    };
  }

  async function emit(
    req: Request,
    name: SecurityEventName,
    userId: string | number,
    detail?: Record<string, string>,
  ): Promise<void> {
    try {
      await pow.securityEvents.emit({ name, userId, ...meta(req), ...(detail ? { detail } : {}) });
    } catch (error) {
      // emit already isolates listeners; this guards the request against anything else.
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`pow: emitting the security event "${name}" failed: ${reason}\n`);
    }
  }

  return {
    seeDevice(req, res) {
      if (!enabled || deviceOf(req) !== undefined) return;
      const id = randomToken(16);
      devices.set(req, id);
      setCookieHeader(
        res,
        deviceCookieName(),
        serializeCookie(deviceCookieName(), signer.sign(id), {
          ...host.sessionCookie().attributes,
          maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
        }),
      );
    },

    emit,

    emitLater(req, produce) {
      if (!pow.securityEvents.hasListeners()) return;
      const captured = meta(req);
      const work = new Promise<void>((resolve) => {
        setImmediate(() => {
          void (async () => {
            try {
              for (const event of await produce()) {
                await pow.securityEvents.emit({ ...event, ...captured });
              }
            } catch (error) {
              const reason = error instanceof Error ? error.message : String(error);
              process.stderr.write(`pow: a security event could not be emitted: ${reason}\n`);
            } finally {
              resolve();
            }
          })();
        });
      });
      track(work);
    },

    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      await log?.settled();
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    api: {
      async listSecurityEvents(req, page) {
        if (!log) {
          throw new PowError({
            code: 'POW_EXTENSION_DISABLED',
            message: `The security-log extension is not enabled for user type "${pow.userType}".`,
            fix: "Add 'security-log' to `extensions` in createPow({...}) (pow install --extension security-log).",
          });
        }
        const user = host.currentUser(req);
        if (!user) throw host.notAuthenticated();
        // Only ever the user of the request's own session.
        return log.list(user.id, page);
      },

      async emitSecurityEvent(req, event) {
        const userId = event.userId ?? host.currentUser(req)?.id;
        if (userId === undefined) throw host.notAuthenticated();
        await emit(req, event.name, userId, event.detail);
      },
    },
  };
}
