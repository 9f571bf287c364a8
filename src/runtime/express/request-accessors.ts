/**
 * `req[currentUserKey]` and `req.pow` as accessors on the Express app's request prototype,
 * instead of properties written onto every request.
 *
 * Why: Express already adds a dozen properties to each request, and every further one changes
 * the object's shape (and grows its property store) on every request. Measured with
 * bench/http/run.ts, the properties pow wrote onto `req` cost a signed-in GET about 4 % of its
 * throughput: the rest of the request reads `req` more slowly. The app's request prototype
 * (`app.request`) is where Express itself defines `req.ip`, `req.path` and the like, and where
 * Express documents adding properties; sub-apps inherit it once mounted.
 *
 * The values themselves live in `res.locals` (a dictionary object, so writing keys costs no
 * shape change), which is also where views read them. Assigning `req.currentUser = ...` still
 * works: the setter makes an own property, as plain assignment did before.
 */
import type { Request } from 'express';

interface AppLike {
  request?: object;
}

const installedKeys = new WeakMap<object, Set<string>>();

/**
 * The prototype to extend for this request: the app's `request` object when the request has it
 * as its prototype (Express 4 and 5 set it on entering an app), else null (not an Express
 * request, or an unusual set-up: the caller then writes plain properties).
 */
export function requestPrototypeOf(req: Request): object | null {
  const app = (req as { app?: AppLike }).app;
  const proto: unknown = Object.getPrototypeOf(req);
  return app && typeof app.request === 'object' && proto === app.request ? app.request : null;
}

/** Defines `key` on `proto` as an accessor reading `read(req)`, once per prototype and key. */
export function installRequestAccessor(proto: object, key: string, read: (req: Request) => unknown): void {
  let keys = installedKeys.get(proto);
  if (!keys) installedKeys.set(proto, (keys = new Set()));
  if (keys.has(key)) return;
  keys.add(key);
  Object.defineProperty(proto, key, {
    configurable: true,
    enumerable: false,
    get(this: Request) {
      return read(this);
    },
    set(this: Request, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}
