/**
 * Security events: the one channel through which pow's flows (sign-in, password change,
 * two-factor, passkeys, OAuth, magic links, session revocation) announce what happened to an
 * account. The flows emit; the security-log extension listens and writes its table (and may send
 * the new-device mail). Without a listener an emit costs nothing and does nothing.
 *
 * Events never carry secrets: no password, token, code, or TOTP secret; `detail` holds short,
 * display-safe words (a provider name, a passkey's label).
 */
export const SECURITY_EVENT_NAMES = [
  'sign-in',
  'sign-in-failed',
  'lockout',
  'sign-out',
  'password-changed',
  'password-reset',
  'email-changed',
  'two-factor-enabled',
  'two-factor-disabled',
  'two-factor-failed',
  'recovery-code-used',
  'recovery-codes-regenerated',
  'passkey-added',
  'passkey-removed',
  'session-revoked',
  'identity-linked',
  'identity-unlinked',
  'magic-link-sign-in',
] as const;

export type SecurityEventName = (typeof SECURITY_EVENT_NAMES)[number];

export interface SecurityEvent {
  name: SecurityEventName;
  userId: string | number;
  /** Milliseconds since the epoch; the emitter fills it from pow's clock when left out. */
  at?: number;
  ip?: string;
  userAgent?: string;
  /**
   * An opaque name of the browser (a hash of the security-log's device cookie, never its value),
   * filled by the Express layer (`securityEventMeta`); it tells the new-device mail which browsers
   * the user has signed in from. Left out, the browser and OS family of `userAgent` stand in.
   */
  device?: string;
  /** Display-safe words only (never a secret or raw token). */
  detail?: Record<string, string>;
}

export type SecurityEventListener = (event: Required<Pick<SecurityEvent, 'at'>> & SecurityEvent) => unknown;

export interface SecurityEvents {
  /**
   * Hands the event to every listener and waits for them. A listener that throws is reported on
   * stderr and does not fail the flow that emitted: the account action has already happened.
   */
  emit(event: SecurityEvent): Promise<void>;
  /** Adds a listener; returns the function that removes it. */
  listen(listener: SecurityEventListener): () => void;
  /** True while someone listens: lets a flow skip work (a lookup) only an event would need. */
  hasListeners(): boolean;
}

export function createSecurityEvents(clock: () => number): SecurityEvents {
  const listeners = new Set<SecurityEventListener>();
  return Object.freeze({
    async emit(event: SecurityEvent) {
      if (listeners.size === 0) return;
      const stamped = { ...event, at: event.at ?? clock() };
      await Promise.all(
        [...listeners].map(async (listener) => {
          try {
            await listener(stamped);
          } catch (error) {
            console.error(`pow: a security event listener failed on "${event.name}":`, error);
          }
        }),
      );
    },
    hasListeners: () => listeners.size > 0,
    listen(listener: SecurityEventListener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  });
}
