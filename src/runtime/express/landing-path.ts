/**
 * `powExpress({ landingPath })`: where people land after signing in or registering. Pow lands them
 * on `/`, which a JSON API does not have; `pow install` then gives pow's own account page
 * (`landingPath: 'registration.edit'`). A safe `request_path` (the page that asked for sign-in)
 * still wins, as with the default.
 */
import { PowError } from '../../shared/pow-error.js';
import { POW_PATHS, requestPath } from './routes.js';
import type { PowExpressOptions, PowPathName, RoutesCallbacks } from './types.js';

type Overrides = Partial<Omit<RoutesCallbacks, 'path'>>;

/** The routes overrides of `options`, with `afterSignInPath` from `landingPath` unless overridden. */
export function withLandingPath(
  options: PowExpressOptions,
  routes: () => RoutesCallbacks,
): Overrides | undefined {
  const landing = options.landingPath;
  if (landing === undefined || options.routes?.afterSignInPath !== undefined) return options.routes;
  const isPage = Object.prototype.hasOwnProperty.call(POW_PATHS, landing);
  if (!isPage && (typeof landing !== 'string' || !landing.startsWith('/') || landing.startsWith('//'))) {
    throw new PowError({
      code: 'POW_CONFIG_INVALID',
      message: `powExpress: landingPath ${JSON.stringify(landing)} is neither a path of the app ("/dashboard") nor one of pow's pages ("registration.edit").`,
    });
  }
  return {
    ...options.routes,
    // A page name is resolved by the routes' own path helper, so it follows their paths.
    afterSignInPath: (req) => requestPath(req) ?? (isPage ? routes().path(landing as PowPathName) : landing),
  };
}
