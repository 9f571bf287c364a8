/**
 * A tiny audit trail for sign-ins: one line per event on stdout (swap in your logger), and the
 * latest events in memory for an admin page or a test.
 */
export interface AuditEvent {
  event: 'sign_in' | 'sign_in_failed' | 'sign_out';
  userId?: string | number;
  /** What was typed into the sign-in box (never the password). */
  identifier?: string;
  ip?: string;
  at: Date;
}

export const recentEvents: AuditEvent[] = [];

export function audit(event: Omit<AuditEvent, 'at'>): void {
  const entry = { ...event, at: new Date() };
  recentEvents.push(entry);
  if (recentEvents.length > 100) recentEvents.shift();
  console.info(`[audit] ${JSON.stringify(entry)}`);
}
