import { defineConfig, env } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    // #region seed-command
    // `npx prisma db seed` (and `prisma migrate reset`) run this.
    seed: 'tsx --env-file=.env prisma/seed.ts',
    // #endregion seed-command
  },
  datasource: {
    url: env('DATABASE_URL'),
  },
});
