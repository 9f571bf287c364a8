/** src/recipes/gitignore.ts: whether the app's .gitignore hides the root files pow writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootFileIgnored } from '../../src/recipes/gitignore.js';

const CASES: [gitignore: string, path: string, ignored: boolean][] = [
  // The rules of real apps that hid pow's .env.example.
  ['*.env*', '.env.example', true],
  ['*.env*', '.env', true],
  ['.env*', '.env.example', true],
  ['.env*\n!.env.example', '.env.example', false],
  ['.env', '.env.example', false],
  ['.env', '.env', true],
  ['/.env', '.env', true],
  ['**/.env', '.env', true],
  ['.env/', '.env', false],
  ['# .env', '.env', false],
  ['\\#.env', '#.env', true],
  ['config/.env', '.env', false],
  ['.env.*\n', '.env.local', true],
  ['.env.[lp]*', '.env.local', true],
  ['.env.[!lp]*', '.env.local', false],
  ['node_modules\r\n.env.local  ', '.env.local', true],
  ['node_modules\n.env.local', '.env', false],
];

test('root files against gitignore rules', () => {
  for (const [gitignore, path, ignored] of CASES) {
    assert.equal(rootFileIgnored(gitignore, path).ignored, ignored, `${JSON.stringify(gitignore)} / ${path}`);
  }
  assert.deepEqual(rootFileIgnored('dist\n*.env*\n', '.env.example'), { ignored: true, rule: '*.env*' });
  assert.deepEqual(rootFileIgnored(null, '.env'), { ignored: false, rule: null });
});
