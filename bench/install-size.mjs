#!/usr/bin/env node
// Size of a production install of the generated demo app (issue 15, scope 5): the demo app
// (fixtures/express5-ts-esm-sqlite after the packed CLI's `pow install --yes`; pow and pow-cli
// from their tarballs), installed with a lockfile and `npm ci --omit=dev` (install scripts run:
// better-sqlite3 is built), measured with `du -sh node_modules`; then the same app without pow
// and pow-cli. Also the tarball sizes and node_modules/pow. Writes bench/results/install-size.md
// and .json. Usage: npm run bench:install-size (builds first). Takes minutes (native build, twice).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/pack.mjs';
import { generateDemoApp, productionInstall, withoutPow } from '../scripts/lib/demo-app-install.mjs';
import { ensureTestApps } from '../scripts/test-apps.mjs';

const du = (path) => execFileSync('du', ['-sh', path], { encoding: 'utf8' }).split('\t')[0];
const duKb = (path) => Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]);

/** Packages in node_modules (nested ones too). */
function countPackages(nodeModules) {
  let n = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name)).map((x) => `${entry.name}/${x}`)
      : [entry.name];
    for (const name of names) {
      n++;
      const nested = join(nodeModules, name, 'node_modules');
      try {
        if (statSync(nested).isDirectory()) n += countPackages(nested);
      } catch {
        // no nested node_modules
      }
    }
  }
  return n;
}

const { pack } = ensureTestApps({ log: console.log });
const dir = mkdtempSync(join(tmpdir(), 'pow-install-size-'));
const measure = () => ({
  node_modules: du(join(dir, 'node_modules')),
  kb: duKb(join(dir, 'node_modules')),
  packages: countPackages(join(dir, 'node_modules')),
});
try {
  console.log(`demo app in ${dir}`);
  generateDemoApp(dir);
  productionInstall(dir);
  const withPow = { ...measure(), pow: du(join(dir, 'node_modules/pow')) };
  console.log('with pow', withPow);
  withoutPow(dir);
  productionInstall(dir);
  const without = measure();
  console.log('without pow', without);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    tarballs: { pow: statSync(pack.pow).size, 'pow-cli': statSync(pack.cli).size },
    withPow,
    withoutPow: without,
  };
  writeFileSync(join(REPO_ROOT, 'bench/results/install-size.json'), `${JSON.stringify(result, null, 2)}\n`);
  const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  writeFileSync(
    join(REPO_ROOT, 'bench/results/install-size.md'),
    `# Production install of the generated demo app

\`node bench/install-size.mjs\` (${result.date.slice(0, 10)}, Node ${result.node}): the demo app
(fixtures/express5-ts-esm-sqlite after \`pow install --yes\`), \`npm ci --omit=dev\` with a lockfile,
\`du -sh node_modules\`.

| | node_modules | packages |
| --- | --- | --- |
| with pow | ${withPow.node_modules} | ${withPow.packages} |
| without pow (pow and pow-cli removed from package.json) | ${without.node_modules} | ${without.packages} |

pow's share: ${((withPow.kb - without.kb) / 1024).toFixed(1)} MB (node_modules/pow itself: ${withPow.pow}).
Tarballs: pow ${kB(result.tarballs.pow)}, pow-cli ${kB(result.tarballs['pow-cli'])} (a devDependency:
not in a production install).

Most of what is left is the app's own: Prisma's convention keeps the \`prisma\` CLI (41 MB, with its
engines) and \`typescript\` in a production install of any app with \`@prisma/client\`, pow or not:
\`@prisma/client\` declares both as optional peers, so npm flags the app's devDependencies
\`prisma\` and \`typescript\` "devOptional", which \`--omit=dev\` keeps. pow adds none of the CLI's
packages (ts-morph, the schema engine, prompts, commander, node-diff3: pow-cli is a devDependency);
test/integration/production-install.test.ts asserts it.

Before the split (one package \`pow\` with the CLI's dependencies, measured on 2026-12-07 the same
way): 406M, 302 packages (prisma CLI, ts-morph, the schema engine, prompts, commander, node-diff3
included); the tarball was 525.5 kB (1.9 MB unpacked, 414 files, source maps and a 121 kB
declaration of the password blocklist included).
`,
  );
  console.log('wrote bench/results/install-size.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
