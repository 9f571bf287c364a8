import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import {
  appRouteRequestAllowed,
  createOwnRoutes,
  hasFormSendableBody,
  hasJsonBody,
  requestPathOf,
  requestProvenance,
} from '../../src/runtime/express/forgery.js';
import { POW_PATHS } from '../../src/runtime/express/routes.js';

function fakeRequest(headers: Record<string, string>, url = '/'): IncomingMessage {
  return { headers, url } as unknown as IncomingMessage;
}

describe('pow’s own routes', () => {
  const users = createOwnRoutes('', Object.values(POW_PATHS));
  const admins = createOwnRoutes('/admin', Object.values(POW_PATHS));

  it('are the paths of POW_PATHS under the mount path, params matching one segment', () => {
    for (const path of ['/session', '/registration', '/reset-password/abc/edit', '/invitation/t0k3n'])
      assert.equal(users.owns(path), true, path);
    for (const path of ['/api/session', '/sessionx', '/session/new/x', '/reset-password//edit/x', '/'])
      assert.equal(users.owns(path), false, path);
    assert.equal(admins.owns('/admin/session'), true);
    assert.equal(admins.owns('/session'), false);
  });

  it('match as loosely as Express routes, or looser: case, trailing and doubled slashes, escapes', () => {
    for (const path of ['/SESSION', '/session/', '//session', '/sessi%6Fn', '/Admin/Session'])
      assert.equal(users.owns(path) || admins.owns(path), true, path);
    assert.equal(users.owns('/%E0%A4%A'), false, 'malformed escapes do not throw');
  });

  it('take the path from originalUrl without the query', () => {
    const req = { url: '/x', originalUrl: '/admin/session?a=1', headers: {} } as unknown as IncomingMessage;
    assert.equal(requestPathOf(req), '/admin/session');
  });
});

describe('provenance of an unsafe request', () => {
  const base = 'https://app.example';
  it('trusts Sec-Fetch-Site first: same-origin and none are ours, same-site and cross-site are not', () => {
    assert.equal(requestProvenance(fakeRequest({ 'sec-fetch-site': 'same-origin' }), base), 'same-origin');
    assert.equal(requestProvenance(fakeRequest({ 'sec-fetch-site': 'none' }), base), 'same-origin');
    assert.equal(requestProvenance(fakeRequest({ 'sec-fetch-site': 'same-site' }), base), 'cross-site');
    assert.equal(
      requestProvenance(fakeRequest({ 'sec-fetch-site': 'cross-site', origin: base }), base),
      'cross-site',
    );
  });

  it('else compares Origin with baseUrl or the Host header; "null" is never ours', () => {
    assert.equal(requestProvenance(fakeRequest({ origin: base }), base), 'same-origin');
    assert.equal(
      requestProvenance(fakeRequest({ origin: 'http://localhost:3000', host: 'localhost:3000' }), undefined),
      'same-origin',
    );
    assert.equal(
      requestProvenance(fakeRequest({ origin: 'https://evil.example', host: 'app.example' }), base),
      'cross-site',
    );
    assert.equal(requestProvenance(fakeRequest({ origin: 'null', host: 'app.example' }), base), 'cross-site');
    assert.equal(
      requestProvenance(fakeRequest({ origin: 'not a url', host: 'app.example' }), base),
      'cross-site',
    );
    assert.equal(requestProvenance(fakeRequest({ 'sec-fetch-site': 'future' }), base), 'unknown');
    assert.equal(requestProvenance(fakeRequest({}), base), 'unknown');
  });

  it('without either header, only bodies that need a CORS preflight pass', () => {
    for (const type of [
      '',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'Text/Plain',
    ])
      assert.equal(hasFormSendableBody(fakeRequest(type ? { 'content-type': type } : {})), true, type);
    assert.equal(hasFormSendableBody(fakeRequest({ 'content-type': 'application/json' })), false);
    assert.equal(appRouteRequestAllowed(fakeRequest({ 'content-type': 'application/json' }), base), true);
    assert.equal(appRouteRequestAllowed(fakeRequest({ 'content-type': 'text/plain' }), base), false);
    assert.equal(
      hasJsonBody(fakeRequest({ 'content-type': 'application/vnd.api+json; charset=utf-8' })),
      true,
    );
    assert.equal(hasJsonBody(fakeRequest({ 'content-type': 'text/json' })), false);
  });
});
