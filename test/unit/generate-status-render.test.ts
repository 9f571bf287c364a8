import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorsEnabled, createColors } from '../../src/generate/colors.js';
import { memoryReader } from '../../src/generate/disk.js';
import { hashContent } from '../../src/generate/hash.js';
import { emptyManifest } from '../../src/generate/manifest.js';
import { reconcile } from '../../src/generate/reconcile.js';
import { renderPlan, summarizePlan, summaryLine } from '../../src/generate/render-plan.js';
import { computeStatus, planDrift, renderStatus } from '../../src/generate/status.js';

describe('computeStatus', () => {
  const manifest = emptyManifest('0.1.0');
  const entry = (content: string, ownership: 'owned' | 'managed' | 'patched' = 'owned') => ({
    ownership,
    hash: hashContent(content),
    generator: 'install',
    template: 't',
  });
  manifest.files['a.ts'] = entry('a\n');
  manifest.files['b.ts'] = entry('b\n');
  manifest.files['c.ts'] = entry('c\n');
  manifest.files['d.ts'] = entry('d\n');
  manifest.files['m.ts'] = entry('m\n', 'managed');
  manifest.files['package.json'] = { ownership: 'patched', hash: hashContent('{}'), generator: 'install' };
  const disk = memoryReader({
    'a.ts': 'a\r\n',
    'b.ts': 'b\nmine\n',
    'd.ts': '<<<<<<< yours\nx\n=======\ny\n>>>>>>> pow\n',
    'm.ts': 'm\n',
    'package.json': '{"x":1}',
  });

  it('reports pristine / modified / missing / conflict per file', () => {
    const status = computeStatus(manifest, disk);
    assert.deepEqual(
      status.files.map((f) => `${f.state} ${f.path}`),
      [
        'pristine a.ts',
        'modified b.ts',
        'missing c.ts',
        'conflict d.ts',
        'pristine m.ts',
        'modified package.json',
      ],
    );
    assert.equal(status.drift, true, 'conflict markers are drift');
  });

  it('drift: conflicts and edited managed files; edited owned files only with strict; patched never', () => {
    const m2 = emptyManifest('0.1.0');
    m2.files['b.ts'] = manifest.files['b.ts'];
    m2.files['package.json'] = manifest.files['package.json'];
    assert.equal(computeStatus(m2, disk).drift, false);
    assert.equal(computeStatus(m2, disk, { strict: true }).drift, true);
    const m3 = emptyManifest('0.1.0');
    m3.files['m.ts'] = manifest.files['m.ts'];
    assert.equal(computeStatus(m3, memoryReader({ 'm.ts': 'edited\n' })).drift, true);
  });

  it('untracked projects', () => {
    const status = computeStatus(null, disk);
    assert.equal(status.tracked, false);
    assert.match(renderStatus(status)[0], /No \.pow\/manifest\.json/);
  });

  it('renders one line per file plus counts', () => {
    const lines = renderStatus(computeStatus(manifest, disk));
    assert.equal(lines[0], 'pristine  a.ts (owned, install)');
    assert.ok(lines.includes('2 pristine, 2 modified, 1 missing, 1 conflict'));
  });
});

describe('renderPlan', () => {
  const previous = emptyManifest('0.1.0');
  previous.files['src/edited.ts'] = {
    ownership: 'owned',
    hash: hashContent('a\nb\nc\n'),
    generator: 'install',
    template: 't',
  };
  const plan = reconcile({
    generator: 'install',
    powVersion: '0.1.0',
    files: [
      { path: 'src/new.ts', content: 'new\n', ownership: 'owned', origin: 't' },
      { path: 'src/edited.ts', content: 'a\nB pow\nc\n', ownership: 'owned', origin: 't' },
    ],
    patches: [
      {
        id: 'entry:use',
        file: 'src/app.ts',
        status: 'removed-by-team',
        why: 'removed since pow added it; not re-added',
      },
    ],
    manualSteps: [
      { file: 'src/server.ts', why: 'app built in a factory', snippet: 'app.use(pow.middleware());' },
    ],
    previous,
    disk: memoryReader({ 'src/edited.ts': 'a\nB team\nc\n' }),
    readBase: () => 'a\nb\nc\n',
  });

  it('prints action lines, the conflict hunk, skipped patches, manual steps and a summary', () => {
    assert.deepEqual(renderPlan(plan, { dryRun: true }), [
      'conflict  src/edited.ts (modified by you on the lines pow changes; file left untouched (--merge-conflicts writes markers, --force overwrites))',
      '    @@ src/edited.ts:2 @@',
      '    <<<<<<< yours',
      '    B team',
      '    =======',
      '    B pow',
      '    >>>>>>> pow',
      'create    src/new.ts (new file)',
      'skip      src/app.ts (entry:use: removed since pow added it; not re-added)',
      '',
      'Manual steps:',
      '  src/server.ts: app built in a factory',
      '    app.use(pow.middleware());',
      '',
      '1 created, 1 conflict (dry run: nothing written)',
      "Conflicting files were left untouched. Edit them to take pow's change, or re-run with --merge-conflicts (writes conflict markers) or --force (overwrites).",
    ]);
  });

  it('--diff shows unified diffs; paths filter', () => {
    const lines = renderPlan(plan, { diff: true, paths: ['src/new.ts'] });
    assert.deepEqual(lines.slice(0, 5), [
      'create    src/new.ts (new file)',
      '    --- /dev/null',
      '    +++ b/src/new.ts',
      '    @@ -0,0 +1,1 @@',
      '    +new',
    ]);
  });

  it('summaries and JSON view', () => {
    assert.equal(summaryLine(plan), '1 created, 1 conflict');
    const json = summarizePlan(plan);
    assert.equal(json.conflicts[0].path, 'src/edited.ts');
    assert.equal(JSON.parse(JSON.stringify(json)).files.length, 2);
    assert.equal(planDrift(plan), true);
  });

  it('colours honour NO_COLOR / FORCE_COLOR', () => {
    assert.equal(colorsEnabled({ NO_COLOR: '1' }, true), false);
    assert.equal(colorsEnabled({ FORCE_COLOR: '1', NO_COLOR: '1' }, false), true);
    assert.equal(colorsEnabled({ FORCE_COLOR: '0' }, true), false);
    assert.equal(colorsEnabled({}, true), true);
    assert.equal(colorsEnabled({}, false), false);
    const line = renderPlan(plan, { colors: createColors(true) })[0];
    assert.ok(line.includes('\u001b['), line);
  });
});
