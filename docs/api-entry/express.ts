/**
 * The Express layer (Express 5 and 4): `powExpress(pow, options)` returns the `auth` object of
 * `src/pow/config.ts`, with the middleware, the guards, sign-in and sign-out, flash, CSRF,
 * translations and the routes callbacks.
 *
 * @module pow/express
 */
export * from '../../src/runtime/express/index.js';
export { default } from '../../src/runtime/express/index.js';
