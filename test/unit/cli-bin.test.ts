/**
 * bin/pow.js, the only file that touches the process, run as a real child process against the
 * build in dist/ (`npm test` builds first; a bare run of this file without a build is skipped).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/fixtures.js';

const BIN = path.join(REPO_ROOT, 'bin/pow.js');
const built = existsSync(path.join(REPO_ROOT, 'dist/cli/main.js'));
const skip = built ? false : 'dist/ is not built (npm run build)';

function pow(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DEBUG: '' },
  });
}

test('bin/pow.js --version exits 0 with the package version', { skip }, () => {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const result = pow(['--version']);
  assert.equal(result.status, 0);
  assert.equal(result.stdout, `${version}\n`);
});

test('bin/pow.js sets the exit code: 2 for usage errors, 1 for errors', { skip }, () => {
  const usage = pow(['inspct']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /unknown command 'inspct'/);
  const error = pow(['inspect', '--cwd', path.join(FIXTURES_DIR, 'error-fastify')]);
  assert.equal(error.status, 1);
  assert.match(error.stderr, /^error: fastify is not supported yet/);
});

test('bin/pow.js inspect --json prints the facts', { skip }, () => {
  const result = pow(['inspect', '--json', '--cwd', path.join(FIXTURES_DIR, 'express5-ts-esm-sqlite')]);
  assert.equal(result.status, 0, result.stderr);
  const info = JSON.parse(result.stdout) as { framework: { major: number }; prisma: { provider: string } };
  assert.equal(info.framework.major, 5);
  assert.equal(info.prisma.provider, 'sqlite');
});
