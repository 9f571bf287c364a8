/**
 * Helpers for an app's own tests: real sessions without the sign-in form (`signInAs`,
 * `sessionFor`), an anonymous visitor's CSRF token, a cookie jar for supertest, and a fake clock.
 *
 * @module pow/testing
 */
export * from '../../src/runtime/express/testing.js';
