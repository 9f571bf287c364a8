#!/usr/bin/env node
// The README's demo (`npm run demo`, which builds first): pow on the SQLite example app.
//
//   1. copies fixtures/express5-ts-esm-sqlite to .demo/app (fresh every time) and links its
//      node_modules to the shared install of pow's packed tarballs (scripts/test-apps.mjs: `pow`
//      and the `pow` command of pow-cli come from the tarballs, as in a user's app);
//   2. pow install --yes, cp .env.example .env, pow migrate --init (the app has no migration
//      history: pow writes its init migration first), prisma generate;
//   3. protects /dashboard the way pow's "Next steps" say;
//   4. serves the app on http://localhost:3000 (PORT overrides) with a random POW_SECRET.
//
// Ctrl-C stops the app. Nothing outside .demo/ and .test-cache/ is written.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT as root } from './pack.mjs';
import { ensureTestApps } from './test-apps.mjs';

const fixture = join(root, 'fixtures/express5-ts-esm-sqlite');
const app = join(root, '.demo/app');
const port = process.env.PORT ?? '3000';

function step(title) {
  console.log(`\n\x1b[1m== ${title}\x1b[22m`);
}

/** Runs `command args` in the app folder, showing it as `$ <shown>`; stops the demo on failure. */
function run(shown, command, args, options = {}) {
  console.log(`$ ${shown}`);
  const result = spawnSync(command, args, { cwd: app, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\ndemo: "${shown}" failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(join(root, 'dist/cli/main.js'))) {
  console.error('demo: dist/ is missing; run `npm run demo` (it builds first) or `npm run build`.');
  process.exit(1);
}

step('pow and pow-cli from their packed tarballs');
const apps = ensureTestApps({ log: (line) => console.log(line) });
console.log(`${relative(root, apps.pack.pow)}\n${relative(root, apps.pack.cli)}`);
const bin = apps.bin;

step(`Fresh copy of the example app in ${relative(root, app)}`);
rmSync(join(root, '.demo'), { recursive: true, force: true });
mkdirSync(join(root, '.demo'), { recursive: true });
cpSync(fixture, app, { recursive: true });
symlinkSync(apps.nodeModules, join(app, 'node_modules'), 'dir');

step('pow install');
run('npx pow install --yes', join(bin, 'pow'), ['install', '--yes'], {
  env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
});

step('Next steps, as printed above');
console.log('$ cp .env.example .env');
writeFileSync(join(app, '.env'), readFileSync(join(app, '.env.example'), 'utf8'));
// The example app has no migration history (no prisma/migrations: it was set up with `prisma db
// push`), which pow inspect and pow install both say: `--init` lets pow migrate write the init
// migration of the app's own Post model before pow's migration (in a terminal it asks instead).
run('npx pow migrate --init', join(bin, 'pow'), ['migrate', '--init']);
run('npx prisma generate', join(bin, 'prisma'), ['generate'], {
  env: {
    ...process.env,
    // prisma.config.ts reads it with env(); Prisma 7 does not load .env by itself.
    DATABASE_URL: 'file:./dev.db',
    // prisma generate does not need the native schema engine, but without this variable it first
    // tries to download it, which fails offline. Any existing file will do.
    PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
{
  const entry = join(app, 'src/app.ts');
  const text = readFileSync(entry, 'utf8');
  writeFileSync(
    entry,
    text.replace("app.get('/dashboard', ", "app.get('/dashboard', auth.requireAuthenticated, "),
  );
  console.log("(protected /dashboard in src/app.ts: app.get('/dashboard', auth.requireAuthenticated, ...))");
}

step('Serving the app');
const env = {
  ...process.env,
  NODE_ENV: 'development',
  PORT: port,
  DATABASE_URL: 'file:./dev.db',
  // A fresh random secret per demo run (sessions end when the demo restarts).
  POW_SECRET: randomBytes(48).toString('base64url'),
};
console.log(`$ POW_SECRET=<random> PORT=${port} tsx src/server.ts`);
const child = spawn(join(bin, 'tsx'), ['src/server.ts'], {
  cwd: app,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (String(chunk).includes('Listening on')) {
    const url = `http://localhost:${port}`;
    console.log(`\nOpen ${url}/registration/new to sign up, ${url}/session/new to sign in,`);
    console.log(`and ${url}/dashboard (signed-in only). Ctrl-C stops the demo.`);
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : (code ?? 1);
});
