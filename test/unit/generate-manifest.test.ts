import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashContent, matchStyleOf, normalizeContent, sameContent } from '../../src/generate/hash.js';
import {
  basePath,
  emptyManifest,
  parseManifest,
  serializeManifest,
  type Manifest,
} from '../../src/generate/manifest.js';
import { isPowError } from '../../src/shared/pow-error.js';

describe('content normalisation and hash', () => {
  it('strips a BOM, turns CRLF/CR into LF and keeps exactly one trailing newline', () => {
    assert.equal(normalizeContent('\ufeffa\r\nb\rc'), 'a\nb\nc\n');
    assert.equal(normalizeContent('a\n\n\n'), 'a\n');
    assert.equal(normalizeContent(''), '');
    assert.equal(normalizeContent('\n\n'), '');
  });

  it('hashes normalised content (sha256 hex)', () => {
    const h = hashContent('a\nb\n');
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(hashContent('\ufeffa\r\nb'), h);
    assert.equal(hashContent('a\nb\n\n'), h);
    assert.notEqual(hashContent('a\nb \n'), h, 'trailing spaces on a line still count');
    assert.equal(sameContent('x\r\n', 'x'), true);
  });

  it('matchStyleOf re-applies CRLF and BOM of the original file', () => {
    assert.equal(matchStyleOf('\ufeffa\r\n', 'b\nc\n'), '\ufeffb\r\nc\r\n');
    assert.equal(matchStyleOf('a\n', 'b\n'), 'b\n');
    assert.equal(matchStyleOf(null, 'b\n'), 'b\n');
  });
});

describe('manifest', () => {
  const sample = (): Manifest => {
    const m = emptyManifest('0.1.0');
    m.files['src/z.ts'] = {
      ownership: 'owned',
      hash: hashContent('z'),
      generator: 'install',
      template: 'install/z.ts.ejs',
    };
    m.files['src/a.ts'] = {
      ownership: 'managed',
      hash: hashContent('a'),
      generator: 'install',
      template: 'install/a.ts.ejs',
    };
    m.files['package.json'] = { ownership: 'patched', hash: hashContent('{}'), generator: 'install' };
    m.patches['entry:use-pow'] = { file: 'src/app.ts', generator: 'install' };
    m.options.install = { namespace: '', views: 'views' };
    return m;
  };

  it('round-trips: serialize → parse → serialize is byte-identical', () => {
    const text = serializeManifest(sample());
    assert.deepEqual(parseManifest(text), sample());
    assert.equal(serializeManifest(parseManifest(text)), text);
  });

  it('sorts keys at every level, indents with two spaces and ends with a newline', () => {
    const text = serializeManifest(sample());
    assert.ok(text.endsWith('}\n'));
    assert.ok(
      text.indexOf('"files"') < text.indexOf('"options"') &&
        text.indexOf('"options"') < text.indexOf('"patches"'),
    );
    assert.ok(
      text.indexOf('"package.json"') < text.indexOf('"src/a.ts"') &&
        text.indexOf('"src/a.ts"') < text.indexOf('"src/z.ts"'),
    );
    assert.ok(
      text.indexOf('"generator"') < text.indexOf('"hash"') &&
        text.indexOf('"hash"') < text.indexOf('"ownership"'),
    );
    assert.match(text, /^\{\n {2}"files": \{\n {4}"package\.json"/);
    assert.doesNotMatch(text, /appliedAt|date|time/i, 'no timestamps');
  });

  it('is deterministic regardless of insertion order', () => {
    const a = sample();
    const b = emptyManifest('0.1.0');
    for (const key of Object.keys(a.files).reverse()) b.files[key] = a.files[key];
    b.patches = a.patches;
    b.options = a.options;
    assert.equal(serializeManifest(a), serializeManifest(b));
  });

  it('rejects invalid manifests with POW_MANIFEST_INVALID and newer ones with POW_MANIFEST_TOO_NEW', () => {
    const invalid = (text: string) =>
      assert.throws(
        () => parseManifest(text),
        (e) => isPowError(e) && e.code === 'POW_MANIFEST_INVALID',
      );
    invalid('not json');
    invalid('[]');
    invalid('{"version":1}');
    invalid('{"version":1,"pow":"0.1.0","files":{"a":{"ownership":"mine","hash":"x","generator":"g"}}}');
    invalid(
      `{"version":1,"pow":"0.1.0","files":{"a":{"ownership":"owned","hash":"${'0'.repeat(63)}","generator":"g"}}}`,
    );
    assert.throws(
      () => parseManifest('{"version":2,"pow":"9.0.0"}'),
      (e) => isPowError(e) && e.code === 'POW_MANIFEST_TOO_NEW',
    );
  });

  it('names what is wrong with a field: missing, or there with the wrong type', () => {
    const messageOf = (text: string): string => {
      try {
        parseManifest(text);
      } catch (error) {
        assert.ok(isPowError(error) && error.code === 'POW_MANIFEST_INVALID');
        return error.message;
      }
      assert.fail('the manifest was accepted');
    };
    assert.match(messageOf('{"pow":"0.1.0"}'), /"version" is missing/);
    assert.match(
      messageOf('{"version":"1","pow":"0.1.0"}'),
      /"version" must be a number, not the string "1"/,
    );
    assert.match(messageOf('{"version":null,"pow":"0.1.0"}'), /"version" must be a number, not null/);
    assert.match(messageOf('{"version":1}'), /"pow" \(the pow version\) is missing/);
    assert.match(messageOf('{"version":1,"pow":[]}'), /"pow" must be a string, not an array/);
  });

  it('stores merge bases under .pow/base/<path>', () => {
    assert.equal(basePath('src/pow/config.ts'), '.pow/base/src/pow/config.ts');
  });
});
