/**
 * The user types whose middleware has served each Express app, for CSRF checks of forms that belong
 * to another user type (a POST to /admin/session passes the users' middleware first). Scoped per
 * app so that several apps in one process (test suites) never consult each other's stores.
 */
import type { OwnRoutes } from './forgery.js';
import type { RequestState } from './request-state.js';
import type { Request, Response } from './types.js';

/** What another user type's middleware may ask of this one. */
export interface Core {
  readonly userType: string;
  readonly cookieName: string;
  readonly anonCookieName: string;
  readonly ownRoutes: OwnRoutes;
  loadState(req: Request, res: Response): RequestState | Promise<RequestState>;
  csrfSecretOf(state: RequestState): string | undefined;
}

const coresByApp = new WeakMap<object, Set<Core>>();

export function registerCore(app: unknown, core: Core): void {
  if (typeof app !== 'object' && typeof app !== 'function') return;
  if (app === null) return;
  let cores = coresByApp.get(app);
  if (!cores) coresByApp.set(app, (cores = new Set()));
  cores.add(core);
}

export function otherCores(app: unknown, self: Core): Core[] {
  if ((typeof app !== 'object' && typeof app !== 'function') || app === null) return [];
  return [...(coresByApp.get(app) ?? [])].filter((core) => core !== self);
}
