/**
 * Idempotent edits of the small project files `pow install` touches: `.env` / `.env.example` (the
 * variables the generated code reads; which file gets what is env-files.ts), `.gitignore` and
 * `.gitattributes` (pow's bookkeeping folder marked as generated). All are team-owned files, so
 * they get patches, never templates.
 */
import type { PatchEdit } from '../generate/patch.js';

export interface EnvKey {
  key: string;
  /** Placeholder value (never a real secret). */
  value: string;
  /** Comment lines written above the key when pow adds it. */
  comment?: string[];
}

/** True when `text` assigns `key` on some line (`KEY=`, `export KEY=`, commented-out lines do not count). */
export function hasEnvKey(text: string, key: string): boolean {
  return text.split('\n').some((line) => {
    const trimmed = line.trim().replace(/^export\s+/, '');
    if (!trimmed.startsWith(key)) return false;
    return trimmed.slice(key.length).trimStart().startsWith('=');
  });
}

/**
 * Appends the missing keys to an env file (created when absent), after one blank line. Keys the
 * team already has are left alone, whatever their value.
 */
export function ensureEnvKeys(keys: readonly EnvKey[]): PatchEdit {
  return (text) => {
    const current = text ?? '';
    const missing = keys.filter((entry) => !hasEnvKey(current, entry.key));
    if (missing.length === 0) return { status: 'already-present' };
    const lines: string[] = [];
    for (const entry of missing) {
      for (const comment of entry.comment ?? []) lines.push(`# ${comment}`);
      lines.push(`${entry.key}=${entry.value}`);
    }
    let out = current;
    if (out.length > 0 && !out.endsWith('\n')) out += '\n';
    if (out.length > 0 && !out.endsWith('\n\n')) out += '\n';
    return { status: 'applied', text: out + lines.join('\n') + '\n' };
  };
}

/** Adds `line` to .gitattributes (created when absent) unless an identical line exists. */
export function ensureGitattributesLine(line: string): PatchEdit {
  const normalise = (s: string) => s.trim().split(/\s+/).join(' ');
  return (text) => {
    const current = text ?? '';
    if (current.split('\n').some((l) => normalise(l) === normalise(line)))
      return { status: 'already-present' };
    let out = current;
    if (out.length > 0 && !out.endsWith('\n')) out += '\n';
    return { status: 'applied', text: `${out}${line}\n` };
  };
}

/** Adds `line` to .gitignore (created when absent) unless that exact rule is there. */
export function ensureGitignoreLine(line: string): PatchEdit {
  return (text) => {
    const current = text ?? '';
    if (current.split(/\r?\n/).some((l) => l.trim() === line)) return { status: 'already-present' };
    let out = current;
    if (out.length > 0 && !out.endsWith('\n')) out += '\n';
    return { status: 'applied', text: `${out}${line}\n` };
  };
}
