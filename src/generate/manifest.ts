import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestInvalid, manifestTooNew } from './errors.js';
import { POW_DIR } from './paths.js';

/**
 * `.pow/manifest.json`: what pow wrote, committed with the project. Keys are sorted and the file
 * ends with a newline so it diffs cleanly in pull requests. No timestamps: running pow twice must
 * produce the same bytes.
 *
 * The exact content pow last emitted for every owned/managed file lives next to it in
 * `.pow/base/<path>`: the merge base of the next three-way merge.
 */
export const MANIFEST_VERSION = 1;
export const MANIFEST_PATH = `${POW_DIR}/manifest.json`;
export const BASE_DIR = `${POW_DIR}/base`;

/** How pow treats a file on re-runs (architecture B5). */
export type Ownership = 'owned' | 'managed' | 'patched';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ManifestFile {
  ownership: Ownership;
  /** sha256 of the normalised content pow last wrote (see hash.ts). */
  hash: string;
  /** Generator scope that produced it, e.g. "install" or "gen.templates:admin"; orphans are looked for per scope. */
  generator: string;
  /** Template id (owned/managed files). Patched files list their patches in `patches`. */
  template?: string;
}

export interface ManifestPatch {
  /** File the patch edits. */
  file: string;
  generator: string;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  /** Version of pow that last wrote the manifest. */
  pow: string;
  /** Answers each generator scope needs to re-run non-interactively (set by recipes). */
  options: Record<string, JsonValue>;
  files: Record<string, ManifestFile>;
  patches: Record<string, ManifestPatch>;
}

/** An empty manifest for a project pow has never written to. */
export function emptyManifest(powVersion: string): Manifest {
  return { version: MANIFEST_VERSION, pow: powVersion, options: {}, files: {}, patches: {} };
}

/** `.pow/base/<path>`: where the merge base of a tracked file is stored. */
export function basePath(path: string): string {
  return `${BASE_DIR}/${path}`;
}

const OWNERSHIPS: readonly string[] = ['owned', 'managed', 'patched'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a field holds instead of what it should: `"version" must be a number, not the string "1"`. */
function wrongType(field: string, expected: string, value: unknown): string {
  let found: string;
  if (value === null) found = 'null';
  else if (Array.isArray(value)) found = 'an array';
  else if (typeof value === 'object') found = 'an object';
  else found = `the ${typeof value} ${JSON.stringify(value)}`;
  return `"${field}" must be ${expected}, not ${found}`;
}

/** Parses and validates manifest text. Throws POW_MANIFEST_INVALID / POW_MANIFEST_TOO_NEW. */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw manifestInvalid('it is not JSON', error);
  }
  if (!isRecord(raw)) throw manifestInvalid('expected an object');
  if (raw.version === undefined) throw manifestInvalid('"version" is missing');
  if (typeof raw.version !== 'number') throw manifestInvalid(wrongType('version', 'a number', raw.version));
  if (raw.version > MANIFEST_VERSION) throw manifestTooNew(raw.version, MANIFEST_VERSION);
  if (raw.version !== MANIFEST_VERSION) throw manifestInvalid(`unknown version ${raw.version}`);
  if (raw.pow === undefined) throw manifestInvalid('"pow" (the pow version) is missing');
  if (typeof raw.pow !== 'string') throw manifestInvalid(wrongType('pow', 'a string', raw.pow));
  const options = raw.options ?? {};
  const files = raw.files ?? {};
  const patches = raw.patches ?? {};
  if (!isRecord(options)) throw manifestInvalid('"options" must be an object');
  if (!isRecord(files)) throw manifestInvalid('"files" must be an object');
  if (!isRecord(patches)) throw manifestInvalid('"patches" must be an object');
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    pow: raw.pow,
    options: options as Record<string, JsonValue>,
    files: {},
    patches: {},
  };
  for (const [path, entry] of Object.entries(files)) {
    if (!isRecord(entry)) throw manifestInvalid(`files["${path}"] must be an object`);
    if (typeof entry.ownership !== 'string' || !OWNERSHIPS.includes(entry.ownership)) {
      throw manifestInvalid(`files["${path}"].ownership must be one of ${OWNERSHIPS.join(', ')}`);
    }
    if (typeof entry.hash !== 'string' || !/^[0-9a-f]{64}$/.test(entry.hash)) {
      throw manifestInvalid(`files["${path}"].hash must be a sha256 hex digest`);
    }
    if (typeof entry.generator !== 'string') throw manifestInvalid(`files["${path}"].generator is missing`);
    if (entry.template !== undefined && typeof entry.template !== 'string') {
      throw manifestInvalid(`files["${path}"].template must be a string`);
    }
    manifest.files[path] = {
      ownership: entry.ownership as Ownership,
      hash: entry.hash,
      generator: entry.generator,
      ...(entry.template === undefined ? {} : { template: entry.template }),
    };
  }
  for (const [id, entry] of Object.entries(patches)) {
    if (!isRecord(entry) || typeof entry.file !== 'string' || typeof entry.generator !== 'string') {
      throw manifestInvalid(`patches["${id}"] must have "file" and "generator"`);
    }
    manifest.patches[id] = { file: entry.file, generator: entry.generator };
  }
  return manifest;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) out[key] = sortKeys(value[key]);
    }
    return out;
  }
  return value;
}

/** Deterministic text: keys sorted at every level, two-space indent, trailing newline. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(sortKeys(manifest), null, 2)}\n`;
}

/** Raw manifest text on disk, or null when the project has none. */
export function readManifestText(root: string): string | null {
  try {
    return readFileSync(join(root, MANIFEST_PATH), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The project's manifest, or null when pow never wrote to it. Throws on an invalid manifest. */
export function readManifest(root: string): Manifest | null {
  const text = readManifestText(root);
  return text === null ? null : parseManifest(text);
}

/** The stored merge base of a tracked file, or null when missing. */
export function readBase(root: string, path: string): string | null {
  try {
    return readFileSync(join(root, basePath(path)), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Deep copy (manifests are plain JSON). */
export function cloneManifest(manifest: Manifest): Manifest {
  return JSON.parse(JSON.stringify(manifest)) as Manifest;
}
