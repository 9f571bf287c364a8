/**
 * The deadline of a pow instance (config `storeTimeoutMs`), for the extensions' own Prisma models
 * (two-factor, passkeys, identities, security log): their queries get the same bound and the same
 * 503 as the user table's, instead of a default of their own or none. Kept beside `Pow` rather
 * than on it, so the public shape does not grow.
 */
import { createDeadline, type Deadline } from '../stores/deadline.js';

const deadlines = new WeakMap<object, Deadline>();

/** @internal Called once by createPow. */
export function registerDeadline(pow: object, deadline: Deadline): void {
  deadlines.set(pow, deadline);
}

/** The instance's deadline; a default one for an object createPow did not make (tests' stand-ins). */
export function deadlineOf(pow: object): Deadline {
  let deadline = deadlines.get(pow);
  if (!deadline) {
    deadline = createDeadline();
    deadlines.set(pow, deadline);
  }
  return deadline;
}
