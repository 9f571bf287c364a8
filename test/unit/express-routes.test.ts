import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPathHelper,
  createRoutes,
  normalizeMountPath,
  POW_PATHS,
} from '../../src/runtime/express/routes.js';
import { isSafeRedirectPath, safeRedirectPath } from '../../src/runtime/express/safe-redirect.js';

const req = (method: string, originalUrl: string, query: Record<string, unknown> = {}, body?: unknown) =>
  ({ method, originalUrl, url: originalUrl, query, body }) as any;

describe('safe redirects', () => {
  it('accepts same-origin relative paths only', () => {
    for (const ok of ['/', '/a', '/a/b?c=d#e', '/%2F%2Fevil.com', '/a//b'])
      assert.equal(isSafeRedirectPath(ok), true, ok);
    for (const bad of [
      '//evil.com',
      '///evil.com',
      '/\\evil.com',
      '\\\\evil.com',
      'https://evil.com',
      'http:/evil.com',
      'javascript:alert(1)',
      'evil.com',
      '/\t/evil.com',
      '/ /x',
      '/a\nb',
      '',
      '/' + 'a'.repeat(3000),
      42,
      undefined,
      ['/a'],
    ]) {
      assert.equal(isSafeRedirectPath(bad), false, String(bad));
    }
    assert.equal(safeRedirectPath('//evil.com', '/home'), '/home');
  });
});

describe('path helper', () => {
  it('prefixes the mount path, fills params and puts the rest in the query', () => {
    const user = createPathHelper('');
    const admin = createPathHelper('/admin');
    assert.equal(user('session.new'), '/session/new');
    assert.equal(admin('session.new'), '/admin/session/new');
    assert.equal(admin('reset_password.edit', { token: 'a/b c' }), '/admin/reset-password/a%2Fb%20c/edit');
    // The token-free reset form (security bar F8) and its target.
    assert.equal(admin('reset_password.form'), '/admin/reset-password/edit');
    assert.equal(user('reset_password.submit'), '/reset-password');
    assert.equal(user('session.new', { request_path: '/x?y=1' }), '/session/new?request_path=%2Fx%3Fy%3D1');
    assert.throws(() => user('invitation.update'), /needs the "token" param/);
    assert.throws(() => user('nope' as any), /unknown path name/);
    assert.equal(user('layout.stylesheet'), '/pow/pow.css');
    assert.equal(admin('layout.stylesheet'), '/admin/pow/pow.css');
    assert.equal(Object.keys(POW_PATHS).length, 52);
    assert.equal(admin('two_factor.passkey_options'), '/admin/two-factor/passkey-options');
    assert.equal(admin('two_factor.recovery_codes'), '/admin/two-factor/recovery-codes');
    assert.equal(admin('security_log.index'), '/admin/security-log');
    assert.equal(admin('passkeys.confirm_delete', { id: 'p1' }), '/admin/passkeys/remove?id=p1');
    assert.equal(admin('sessions.delete_others'), '/admin/sessions/others');
    assert.equal(admin('oauth.callback', { provider: 'company' }), '/admin/auth/company/callback');
    assert.throws(() => user('oauth.new'), /needs the "provider" param/);
    assert.equal(admin('two_factor.challenge'), '/admin/two-factor/challenge');
  });

  it('normalises mount paths', () => {
    assert.equal(normalizeMountPath(undefined), '');
    assert.equal(normalizeMountPath('/'), '');
    assert.equal(normalizeMountPath('/admin/'), '/admin');
    assert.equal(normalizeMountPath('/a/b'), '/a/b');
    assert.throws(() => normalizeMountPath('admin'));
    assert.throws(() => normalizeMountPath('/a b'));
  });
});

describe('routes callbacks', () => {
  it('has Pow’s defaults', () => {
    const routes = createRoutes('');
    assert.equal(routes.afterSignInPath(req('POST', '/session')), '/');
    assert.equal(routes.afterSignInPath(req('POST', '/session', { request_path: '/x' })), '/x');
    assert.equal(
      routes.afterSignInPath(req('POST', '/session', {}, { request_path: '/from-body' })),
      '/from-body',
    );
    assert.equal(routes.afterSignInPath(req('POST', '/session', { request_path: '//evil.com' })), '/');
    assert.equal(routes.afterSignInPath(req('POST', '/session', { request_path: ['/a', '/b'] })), '/');
    assert.equal(routes.afterSignOutPath(req('DELETE', '/session')), '/session/new');
    assert.equal(routes.afterRegistrationPath(req('POST', '/registration')), '/');
    assert.equal(routes.afterUserUpdatedPath(req('PATCH', '/registration')), '/registration/edit');
    assert.equal(routes.afterUserDeletedPath(req('DELETE', '/registration')), '/session/new');
    assert.equal(
      routes.userNotAuthenticatedPath(req('GET', '/p?q=1')),
      '/session/new?request_path=%2Fp%3Fq%3D1',
    );
    assert.equal(routes.userNotAuthenticatedPath(req('POST', '/p?q=1')), '/session/new');
    assert.equal(routes.userAlreadyAuthenticatedPath(req('GET', '/session/new')), '/');
  });

  it('lands on the mount path for a namespaced user type', () => {
    const routes = createRoutes('/admin');
    assert.equal(routes.afterSignInPath(req('POST', '/admin/session')), '/admin');
    assert.equal(routes.afterSignOutPath(req('DELETE', '/admin/session')), '/admin/session/new');
    assert.equal(
      routes.userNotAuthenticatedPath(req('GET', '/admin/x')),
      '/admin/session/new?request_path=%2Fadmin%2Fx',
    );
  });

  it('overrides one callback at a time; the defaults chain through the override', () => {
    const routes = createRoutes('', { afterSignInPath: () => '/dashboard', afterSignOutPath: () => '/bye' });
    assert.equal(routes.afterRegistrationPath(req('POST', '/registration')), '/dashboard');
    assert.equal(routes.userAlreadyAuthenticatedPath(req('GET', '/session/new')), '/dashboard');
    assert.equal(routes.afterUserDeletedPath(req('DELETE', '/registration')), '/bye');
    assert.equal(routes.afterUserUpdatedPath(req('PATCH', '/registration')), '/registration/edit');
    assert.throws(() => createRoutes('', { afterSignInPath: '/x' as any }), /must be a function/);
  });
});
