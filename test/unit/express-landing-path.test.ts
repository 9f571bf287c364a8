/** powExpress({ landingPath }): where people land after sign-in when no request_path says otherwise. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoutes } from '../../src/runtime/express/routes.js';
import { withLandingPath } from '../../src/runtime/express/landing-path.js';
import type { Request, RoutesCallbacks } from '../../src/runtime/express/types.js';

const request = (query: Record<string, string> = {}) =>
  ({ method: 'GET', url: '/', query }) as unknown as Request;

function routesWith(landingPath: string | undefined, mountPath = ''): RoutesCallbacks {
  const routes: RoutesCallbacks = createRoutes(
    mountPath,
    withLandingPath({ landingPath }, () => routes),
  );
  return routes;
}

test('a pow page name resolves through the routes, an app path is taken as is', () => {
  assert.equal(routesWith('registration.edit').afterSignInPath(request()), '/registration/edit');
  assert.equal(
    routesWith('registration.edit', '/admin').afterSignInPath(request()),
    '/admin/registration/edit',
  );
  assert.equal(routesWith('/dashboard').afterSignInPath(request()), '/dashboard');
  // Registration and "already signed in" follow it, as they follow afterSignInPath.
  assert.equal(routesWith('/dashboard').afterRegistrationPath(request()), '/dashboard');
  assert.equal(routesWith(undefined).afterSignInPath(request()), '/');
});

test('a safe request_path still wins; a bad landingPath is refused', () => {
  assert.equal(routesWith('/dashboard').afterSignInPath(request({ request_path: '/notes' })), '/notes');
  assert.throws(() => routesWith('//evil.example'), /landingPath/);
  assert.throws(() => routesWith('dashboard'), /landingPath/);
});
