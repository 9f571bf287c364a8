/**
 * The request context views and handlers read as `pow` (`res.locals.pow`, `req.pow`): t, locale,
 * csrfToken, flash, path, has, mountPath. Everything in it is computed on first read, so a request
 * that renders nothing pays nothing for it.
 */
import type { Pow, UserRecord } from '../core/types.js';
import type { Translator } from '../i18n/index.js';
import type { Signer } from './cookies.js';
import type { RequestState } from './request-state.js';
import type {
  PowExpress,
  PowRequestContext,
  Request,
  Response,
  RoutesCallbacks,
  SignInResult,
} from './types.js';

/** What pow/testing and the request context need from an instance. */
export interface Internals {
  readonly pow: Pow;
  readonly userType: string;
  readonly mountPath: string;
  readonly routes: RoutesCallbacks;
  readonly translator: Translator;
  readonly anonSigner: Signer;
  readonly cookieName: string;
  readonly anonCookieName: string;
  readonly secure: boolean;
  resolveLocale(req: Request): string;
  csrfTokenOf(state: RequestState): string;
  readFlash(state: RequestState, locale: string): { info?: string; error?: string };
  /** The gates after a first factor, then the session (SessionLifecycle.finishSignIn). */
  finishSignIn(req: Request, res: Response, user: UserRecord, method?: string): Promise<SignInResult>;
}

const internalsByInstance = new WeakMap<PowExpress, Internals>();

/** @internal Called once by `powExpress` for the instance it returns. */
export function registerInternals(auth: PowExpress, internals: Internals): void {
  internalsByInstance.set(auth, internals);
}

/** @internal For `pow/testing`. */
export function internalsOf(auth: PowExpress): Internals {
  const internals = internalsByInstance.get(auth);
  if (!internals) throw new TypeError('pow: not a powExpress() instance');
  return internals;
}

export class RequestContextImpl implements PowRequestContext {
  controller?: string;
  action?: string;
  readonly path: RoutesCallbacks['path'];
  readonly mountPath: string;
  readonly userType: string;
  readonly #state: RequestState;
  readonly #internals: Internals;
  #t: ((key: string, params?: Record<string, string | number>) => string) | undefined;

  constructor(internals: Internals, state: RequestState) {
    this.#state = state;
    this.#internals = internals;
    this.path = internals.routes.path;
    this.mountPath = internals.mountPath;
    this.userType = internals.userType;
  }

  /** A getter, not a field: only views that hide optional links read it, so requests pay nothing for it. */
  get has(): RoutesCallbacks['has'] {
    return this.#internals.routes.has;
  }

  /** Bound on first use (views call `pow.t(...)`; code may also pass `pow.t` around). */
  get t(): (key: string, params?: Record<string, string | number>) => string {
    return (this.#t ??= (key, params) => this.#internals.translator.t(this.locale, key, params));
  }

  get locale(): string {
    return (this.#state.locale ??= this.#internals.resolveLocale(this.#state.req));
  }

  get csrfToken(): string {
    return this.#internals.csrfTokenOf(this.#state);
  }

  get flash(): { info?: string; error?: string } {
    return this.#internals.readFlash(this.#state, this.locale);
  }

  get passwordRules(): PowRequestContext['passwordRules'] {
    return this.#internals.pow.passwordRules;
  }
}
