export { memoryStore, type MemoryStore } from './memory.js';
export { prismaStore, type PrismaStoreOptions, type PowSessionDelegate } from './prisma.js';
export { redisStore, type RedisStoreOptions, type RedisLike, type RedisClusterLike } from './redis.js';
export type { StoreOptions } from './shared.js';
