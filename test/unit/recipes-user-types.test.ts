/**
 * Which user types accept public sign-up: `resolveGenTemplatesOptions` (registration is off for a
 * namespace unless asked for, whatever its model) and the "Who can sign up" lines `pow install` and
 * `pow gen.templates` print from the manifest (src/recipes/user-types.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyManifest, type Manifest } from '../../src/generate/manifest.js';
import { resolveGenTemplatesOptions } from '../../src/recipes/templates.js';
import { listUserTypes, signUpLines } from '../../src/recipes/user-types.js';

function installed(registration = true): Manifest {
  const manifest = emptyManifest('0.1.0');
  manifest.options.install = { userModel: 'User', userIdFields: ['email'], registration, extensions: [] };
  manifest.files['src/pow/config.ts'] = {
    ownership: 'owned',
    hash: '0'.repeat(64),
    generator: 'install',
    template: 'install/pow/__namespace__/config.ts.ejs',
  };
  return manifest;
}

test('a namespace with a model of its own has registration off unless --registration', () => {
  const manifest = installed();
  const off = resolveGenTemplatesOptions(manifest, { namespace: 'admin', userModel: 'Admin' });
  assert.equal(off.options.registration, false);
  const byName = resolveGenTemplatesOptions(manifest, { namespace: 'staff' });
  assert.equal(byName.options.userModel, 'Staff');
  assert.equal(byName.options.registration, false);
  const on = resolveGenTemplatesOptions(manifest, { namespace: 'admin', registration: true });
  assert.equal(on.options.registration, true);
});

test("a namespace sharing the users' model has registration off too", () => {
  const res = resolveGenTemplatesOptions(installed(), { namespace: 'admin', userModel: 'User' });
  assert.equal(res.options.registration, false);
});

test('a stored answer is kept by a re-run without the flag', () => {
  const manifest = installed();
  manifest.options['gen.templates:admin'] = { userModel: 'Admin', registration: true, extensions: [] };
  assert.equal(resolveGenTemplatesOptions(manifest, { namespace: 'admin' }).options.registration, true);
  manifest.options['gen.templates:admin'] = { userModel: 'Admin', registration: false, extensions: [] };
  assert.equal(resolveGenTemplatesOptions(manifest, { namespace: 'admin' }).options.registration, false);
});

test('the default users keep the answer of pow install', () => {
  assert.equal(resolveGenTemplatesOptions(installed(true), {}).options.registration, true);
  assert.equal(resolveGenTemplatesOptions(installed(false), {}).options.registration, false);
});

test('listUserTypes reads the users and each namespace, with their configuration modules', () => {
  const manifest = installed();
  manifest.options['gen.templates:admin'] = { userModel: 'Admin', registration: false, extensions: [] };
  manifest.files['src/pow/admin/config.ts'] = {
    ownership: 'owned',
    hash: '0'.repeat(64),
    generator: 'gen.templates:admin',
    template: 'install/pow/__namespace__/config.ts.ejs',
  };
  const types = listUserTypes(manifest);
  assert.deepEqual(
    types.map((t) => [t.namespace, t.userType, t.userModel, t.registration, t.mountPath, t.configPath]),
    [
      [null, 'user', 'User', true, '/', 'src/pow/config.ts'],
      ['admin', 'admin', 'Admin', false, '/admin', 'src/pow/admin/config.ts'],
    ],
  );
});

test('the run in progress overrides the manifest (a dry run, a first install)', () => {
  const types = listUserTypes(null, [{ namespace: null, userModel: 'Account', registration: false }]);
  assert.deepEqual(
    types.map((t) => [t.namespace, t.userModel, t.registration]),
    [[null, 'Account', false]],
  );
  const withAdmin = listUserTypes(installed(), [
    { namespace: 'back-office', userModel: 'Staff', registration: true },
  ]);
  assert.deepEqual(
    withAdmin.map((t) => [t.namespace, t.userType, t.registration]),
    [
      [null, 'user', true],
      ['back-office', 'back_office', true],
    ],
  );
});

test('signUpLines say who can sign up and how the others get accounts', () => {
  const manifest = installed();
  const types = listUserTypes(manifest, [{ namespace: 'admin', userModel: 'Admin', registration: false }]);
  assert.deepEqual(signUpLines(types, 'npx'), [
    'Who can sign up:',
    '  users (User): anyone, at /registration/new',
    '  admin (Admin): nobody (registration is off); create accounts with `npx pow user create --namespace admin`',
  ]);
  assert.deepEqual(signUpLines([], 'npx'), []);
});
