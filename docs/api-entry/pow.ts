/**
 * The framework-agnostic runtime: `createPow(config)` (one per user type), users and sessions,
 * password hashing and policy, the session stores (`prismaStore`, `redisStore`, `memoryStore`),
 * mail adapters and the extension services. `createUser` and `formatErrors` are for seeds and
 * scripts.
 *
 * @module pow
 */
export * from '../../src/runtime/index.js';
