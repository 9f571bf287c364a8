/**
 * The corpus: one manifest per app under fixtures/real-* (source and adaptations in each
 * fixture's README.md). `calls` lists every route the app had, in order, with the JSON bodies a
 * client of its API sends; the first calls create the data through the app's own routes. Calls
 * are chosen as the app's README/clients use them; error paths are included where the app
 * answers them itself (an unhandled rejection in an Express 4 handler ends the process, and an
 * Express 5 error page shows a stack trace whose line numbers move when pow patches the file).
 *
 * Adding an app: a folder fixtures/real-<name>, an entry here, and a two-line test file.
 */
import type { RealAppManifest } from './driver.js';

/** prisma-examples typescript/rest-express: SQLite, CommonJS TypeScript, `*.env*` ignored. */
export const prismaRestExpress: RealAppManifest = {
  fixture: 'real-prisma-rest-express',
  provider: 'sqlite',
  script: 'dev',
  tsconfig: 'tsconfig.json',
  env: 'process',
  calls: [
    {
      method: 'POST',
      path: '/signup',
      body: {
        name: 'Alice',
        email: 'alice@prisma.io',
        posts: [{ title: 'Join the Prisma Discord', content: 'https://pris.ly/discord' }],
      },
      repeat: false,
    },
    { method: 'POST', path: '/signup', body: { name: 'Nilu', email: 'nilu@prisma.io' }, repeat: false },
    {
      method: 'POST',
      path: '/post',
      body: { title: 'Prisma on YouTube', content: 'https://pris.ly/youtube', authorEmail: 'nilu@prisma.io' },
    },
    { method: 'POST', path: '/post', body: { title: 'A draft', authorEmail: 'nilu@prisma.io' } },
    { method: 'PUT', path: '/publish/1' },
    { method: 'PUT', path: '/publish/2' },
    { method: 'PUT', path: '/post/1/views' },
    { method: 'PUT', path: '/post/99/views' },
    { method: 'PUT', path: '/publish/99' },
    { method: 'GET', path: '/users' },
    { method: 'GET', path: '/feed' },
    { method: 'GET', path: '/feed?searchString=prisma&take=5&orderBy=desc' },
    { method: 'GET', path: '/post/2' },
    { method: 'GET', path: '/post/99' },
    { method: 'GET', path: '/user/2/drafts' },
    { method: 'DELETE', path: '/post/3', repeat: false },
    { method: 'GET', path: '/user/2/drafts' },
  ],
  // A published post by the new account: /feed then includes its whole User row.
  afterSignUp: [
    { method: 'POST', path: '/post', body: { title: 'By the new account', authorEmail: '{{email}}' } },
    { method: 'PUT', path: '/publish/4' },
  ],
};

/** prisma-examples orm/express: PostgreSQL, dotenv, moduleResolution "node", existing .env. */
export const prismaOrmExpress: RealAppManifest = {
  ...prismaRestExpress,
  fixture: 'real-prisma-orm-express',
  provider: 'postgresql',
  env: 'dotenv',
};

/** soulinmaikadua/hello-prisma: MySQL (MariaDB here), CommonJS, routers in two files. */
export const helloPrisma: RealAppManifest = {
  fixture: 'real-hello-prisma',
  provider: 'mysql',
  script: 'start',
  tsconfig: 'tsconfig.json',
  env: 'process',
  calls: [
    { method: 'GET', path: '/' },
    {
      method: 'POST',
      path: '/users/signup',
      body: { email: 'alice@example.com', firstname: 'Alice', lastname: 'Liddell' },
      repeat: false,
    },
    {
      method: 'POST',
      path: '/users/signup',
      body: { email: 'bob@example.com', phone: '555-0100' },
      repeat: false,
    },
    {
      method: 'POST',
      path: '/posts',
      body: { title: 'Hello MariaDB', content: 'First post', authorEmail: 'alice@example.com' },
    },
    { method: 'POST', path: '/posts', body: { title: 'Second post', authorEmail: 'bob@example.com' } },
    { method: 'PUT', path: '/users/2', body: { lastname: 'Builder' } },
    { method: 'PUT', path: '/users/99', body: { lastname: 'Nobody' } },
    { method: 'GET', path: '/users' },
    { method: 'GET', path: '/posts' },
  ],
  // A post by the new account: /posts then includes its whole User row (include: { author: true }).
  afterSignUp: [
    { method: 'POST', path: '/posts', body: { title: 'By the new account', authorEmail: '{{email}}' } },
  ],
};

const API_KEY = 'dummy-api-key-for-the-corpus';

/**
 * riwandylbs/rest-api-expressjs-prisma: PostgreSQL, CommonJS, dotenv, src/ with routes,
 * controllers, services and an API-key middleware in front of every route. No create route:
 * the rows are inserted as SQL.
 */
export const restApiExpressjsPrisma: RealAppManifest = {
  fixture: 'real-rest-api-expressjs-prisma',
  provider: 'postgresql',
  script: 'dev',
  tsconfig: 'tsconfig.json',
  env: 'dotenv',
  headers: { 'API-KEY': API_KEY },
  seedSql: [
    `INSERT INTO "User" ("email", "name", "role") VALUES ('alice@example.com', 'Alice', 'ADMIN'), ('bob@example.com', NULL, 'USER')`,
    `INSERT INTO "Post" ("published", "title", "authorId", "updatedAt") VALUES (true, 'Hello', 1, now()), (false, 'A draft', 2, now())`,
  ],
  calls: [
    { method: 'GET', path: '/', headers: {} },
    { method: 'GET', path: '/api', headers: {} },
    { method: 'GET', path: '/api' },
    { method: 'GET', path: '/api/post' },
    { method: 'GET', path: '/api/post/list' },
    { method: 'GET', path: '/api/post/list', headers: { 'API-KEY': 'wrong-key' } },
    { method: 'GET', path: '/api/post/detail/1' },
    { method: 'GET', path: '/api/post/detail/99' },
    { method: 'POST', path: '/api/post/update', body: { id: 2, title: 'A draft, edited', published: true } },
    { method: 'POST', path: '/api/post/update', body: { id: 2, title: 'No key' }, headers: {} },
    { method: 'GET', path: '/api/post/list' },
  ],
};

/**
 * hanz-fr/prisma-x-express: SQLite, a User with required name/age/address and no email,
 * moduleResolution "node", CommonJS, existing .env loaded by the start script. No create route.
 */
export const prismaXExpress: RealAppManifest = {
  fixture: 'real-prisma-x-express',
  provider: 'sqlite',
  script: 'dev',
  tsconfig: 'tsconfig.json',
  env: 'dotenv',
  seedSql: [
    `INSERT INTO "User" ("id", "name", "age", "address") VALUES ('5b0c2f7e-8f4e-4a59-9d0e-2f1c6a1b3c01', 'Ada', 36, '12 St James Square, London')`,
    `INSERT INTO "User" ("id", "name", "age", "address") VALUES ('5b0c2f7e-8f4e-4a59-9d0e-2f1c6a1b3c02', 'Grace', 85, '1 Navy Yard, Arlington')`,
  ],
  calls: [
    { method: 'GET', path: '/user' },
    { method: 'GET', path: '/' },
  ],
  signUpFields: { name: 'Ada Corpus', age: '37', address: '1 Example Road' },
  registrationFields: ['name', 'age', 'address'],
};

/**
 * Navneet7716/SocialMediaProject: PostgreSQL, moduleResolution "node", CommonJS, non-strict,
 * src/routes + src/controllers (four routers), a lowercase `user` model with required username
 * and password (bcrypt, set by the app's own sign-up) and relations (posts, votes, follows).
 */
export const socialMedia: RealAppManifest = {
  fixture: 'real-social-media',
  provider: 'postgresql',
  script: 'start',
  tsconfig: 'tsconfig.json',
  env: 'process',
  calls: [
    {
      method: 'POST',
      path: '/api/user',
      body: { username: 'navneet', email: 'navneet@example.com', password: 'Secret123' },
      repeat: false,
    },
    {
      method: 'POST',
      path: '/api/user',
      body: { username: 'rishi', email: 'rishi@example.com', password: 'Secret456' },
      repeat: false,
    },
    { method: 'POST', path: '/api/user', body: { username: '', email: 'not-an-email', password: 'short' } },
    {
      method: 'POST',
      path: '/api/post',
      body: { body: 'Hello world', title: 'First', userId: 1, tags: ['intro', 'hello'] },
    },
    { method: 'POST', path: '/api/post', body: { body: '', title: '', userId: 'x' } },
    {
      method: 'PATCH',
      path: '/api/post/1',
      body: { id: 1, title: 'First (edited)', body: 'Hello again', tags: ['intro'] },
    },
    { method: 'PATCH', path: '/api/vote/addvote', body: { id: 1, by: 2 }, repeat: false },
    { method: 'PATCH', path: '/api/vote/addvote', body: { id: 'x' } },
    { method: 'POST', path: '/api/relationship/follow', body: { userId: 2, id: 1 }, repeat: false },
    { method: 'GET', path: '/api/relationship/getfollowers', body: { id: 1 } },
    { method: 'GET', path: '/api/relationship/getfollowings', body: { id: 2 } },
    { method: 'GET', path: '/api/user' },
    { method: 'GET', path: '/api/user/1' },
    // The account made after sign-up gets id 3: before pow and in the replay, nobody has it.
    { method: 'GET', path: '/api/user/3' },
    { method: 'GET', path: '/api/post' },
    { method: 'GET', path: '/api/post/1' },
    { method: 'GET', path: '/api/post/99' },
    { method: 'PATCH', path: '/api/user/2', body: { email: 'rishi@example.org' } },
    { method: 'PATCH', path: '/api/vote/deletevote', body: { id: 1, by: 2 }, repeat: false },
    { method: 'DELETE', path: '/api/relationship/unfollow', body: { userId: 2, id: 1 }, repeat: false },
    { method: 'DELETE', path: '/api/post/1', repeat: false },
    { method: 'DELETE', path: '/api/user/2', repeat: false },
    { method: 'GET', path: '/api/user' },
  ],
  // A post by the new account (id 3): /api/post shows its user, /api/user/3 its whole row.
  afterSignUp: [
    {
      method: 'POST',
      path: '/api/post',
      body: { body: 'Hi', title: 'By the new account', userId: 3, tags: [] },
    },
  ],
  signUpFields: { username: 'ada-corpus' },
  registrationFields: ['username'],
};
