/**
 * `pow install` on the Express 4 + CommonJS JavaScript app (fixtures/express4-js-cjs-postgres,
 * Prisma 6 style): the emitted code is CommonJS JavaScript without TypeScript syntax
 * (`node --check` on every emitted file) and the patched app module loads with `require` and
 * serves pow's pages.
 *
 * Not booted against PostgreSQL: the app is on Prisma 6 (`prisma-client-js`, generated into
 * node_modules/@prisma/client), which cannot be generated here (Prisma 6 downloads native engines,
 * and generating would write into the repo's shared node_modules). The app's `src/db.js` is
 * therefore replaced by a stand-in client whose model methods resolve empty; everything pow
 * generated runs for real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { copyFixture, runPow } from '../helpers/fixtures.js';
import { TEST_POW_SECRET, requireBuild } from '../helpers/e2e-project.js';

const exec = promisify(execFile);

const PROBE = `
const app = require('./app.js');
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const signIn = await fetch(base + '/session/new');
  const body = await signIn.text();
  const css = await fetch(base + '/pow/pow.css');
  const post = await fetch(base + '/session', { method: 'POST', body: new URLSearchParams({ user_id: 'a', password: 'b' }) });
  console.log(JSON.stringify({ signIn: signIn.status, csrf: body.includes('name="_csrf"'), css: css.status, postWithoutCsrf: post.status }));
  server.close();
});
`;

const STUB_DB = `// Test stand-in for the Prisma 6 client (see the test's header): model methods resolve empty.
const model = () => new Proxy({}, { get: (_t, name) => async () => (name === 'findMany' ? [] : name === 'count' ? 0 : null) });
const prisma = { post: model(), user: model(), powSession: model() };
module.exports = { prisma };
`;

test('express4-js-cjs-postgres: CommonJS JavaScript output that loads and serves pow pages', async (t) => {
  requireBuild();
  const copy = copyFixture('express4-js-cjs-postgres');
  t.after(() => copy.cleanup());
  const res = await runPow(['install', '--yes', '--json', '--cwd', copy.dir], {
    env: { POW_NOW: '2026-01-02T03:04:05Z' },
  });
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout) as { files: { path: string; action: string; ownership: string }[] };
  const code = out.files.filter((f) => f.path.endsWith('.js') && f.action !== 'identical').map((f) => f.path);
  assert.deepEqual(code.sort(), [
    'app.js',
    'controllers/pow/registration.js',
    'controllers/pow/session.js',
    'pow/config.js',
    'routes/pow.js',
  ]);
  for (const file of code) {
    const text = readFileSync(join(copy.dir, file), 'utf8');
    await exec(process.execPath, ['--check', join(copy.dir, file)]);
    assert.doesNotMatch(text, /^\s*(import|export)\b/m, `${file} is CommonJS`);
    assert.doesNotMatch(
      text,
      /\b(interface|type)\s+\w+\s*[={]|: (Request|Response|string|void)\b/,
      `${file} has no types`,
    );
  }
  const app = readFileSync(join(copy.dir, 'app.js'), 'utf8');
  assert.match(app, /^const \{ auth \} = require\('\.\/pow\/config'\);$/m);
  assert.match(app, /^app\.use\(auth\.middleware\(\)\);\napp\.use\(powRoutes\);$/m);
  assert.match(readFileSync(join(copy.dir, 'pow/config.js'), 'utf8'), /require\('\.\.\/src\/db'\)/);
  assert.match(readFileSync(join(copy.dir, 'prisma/schema.prisma'), 'utf8'), /model User \{/);

  writeFileSync(join(copy.dir, 'src/db.js'), STUB_DB);
  const { stdout } = await exec(process.execPath, ['-e', PROBE], {
    cwd: copy.dir,
    env: { ...process.env, POW_SECRET: TEST_POW_SECRET, NODE_ENV: 'development' },
  });
  assert.deepEqual(JSON.parse(stdout), { signIn: 200, csrf: true, css: 200, postWithoutCsrf: 403 });
});
