import type { DiskReader } from './disk.js';
import { treeConflict } from './errors.js';
import type { Ownership } from './manifest.js';
import { toProjectPath } from './paths.js';

/** One file the run produced, as it would be written. */
export interface TreeFile {
  /** Project-relative POSIX path. */
  path: string;
  content: string;
  ownership: Ownership;
  /** Template id for owned/managed files; the ids of the patches applied for patched files. */
  origin: string;
}

/** What happened to one patch this run (see patch.ts). */
export type PatchStatus = 'applied' | 'already-present' | 'not-applicable' | 'removed-by-team' | 'reapplied';

export interface PatchRecord {
  id: string;
  file: string;
  status: PatchStatus;
  /** For not-applicable / removed-by-team: why, shown to the user. */
  why?: string;
  /** For not-applicable: the snippet to add by hand. */
  snippet?: string;
}

/** An edit pow could not make safely: printed with the exact file and snippet. */
export interface ManualStep {
  file: string;
  why: string;
  snippet: string;
}

/**
 * Nx-style overlay of the project: reads fall through to disk, writes stay in memory together with
 * their ownership and origin. Nothing here touches the file system except reads through the
 * injected reader; `applyPlan` is the only writer.
 */
export class VirtualTree {
  private readonly files = new Map<string, TreeFile>();
  private readonly patchRecords = new Map<string, PatchRecord>();
  private readonly manual: ManualStep[] = [];
  private readonly messages: string[] = [];

  constructor(private readonly disk: DiskReader) {}

  /** Current content: this run's write if any, else the disk, else null. */
  read(path: string): string | null {
    const p = toProjectPath(path);
    return this.files.get(p)?.content ?? this.disk.read(p);
  }

  /** Content on disk before this run (ignores in-memory writes). */
  readDisk(path: string): string | null {
    return this.disk.read(toProjectPath(path));
  }

  exists(path: string): boolean {
    return this.read(path) !== null;
  }

  /**
   * Emits an owned or managed file. Writing the same path twice in one run is allowed only with the
   * same ownership (the last content wins); mixing with patches is a bug in the recipe.
   */
  write(path: string, content: string, opts: { ownership: 'owned' | 'managed'; origin: string }): void {
    const p = toProjectPath(path);
    const previous = this.files.get(p);
    if (previous && previous.ownership !== opts.ownership) {
      throw treeConflict(
        p,
        `written as ${previous.ownership} (${previous.origin}) and as ${opts.ownership} (${opts.origin})`,
      );
    }
    this.files.set(p, { path: p, content, ownership: opts.ownership, origin: opts.origin });
  }

  /** Stores the result of a patch on a patched file. Used by `patchFile`; recipes call that instead. */
  writePatched(path: string, content: string, patchId: string): void {
    const p = toProjectPath(path);
    const previous = this.files.get(p);
    if (previous && previous.ownership !== 'patched') {
      throw treeConflict(
        p,
        `emitted as ${previous.ownership} (${previous.origin}) and patched by ${patchId}`,
      );
    }
    const origin = previous
      ? [...new Set([...previous.origin.split(','), patchId])].sort().join(',')
      : patchId;
    this.files.set(p, { path: p, content, ownership: 'patched', origin });
  }

  /** Records the outcome of a patch (one per id; the last record wins). */
  recordPatch(record: PatchRecord): void {
    this.patchRecords.set(record.id, { ...record, file: toProjectPath(record.file) });
  }

  /** Adds a manual step: something pow could not do safely, with the snippet to paste. */
  addManualStep(step: ManualStep): void {
    this.manual.push({ ...step, file: toProjectPath(step.file) });
  }

  /** Adds an informational line to the report (e.g. "schema changed: User.displayName added"). */
  note(message: string): void {
    this.messages.push(message);
  }

  /** Every file written this run, sorted by path. */
  changes(): TreeFile[] {
    return [...this.files.values()].sort((a, b) => compareStrings(a.path, b.path));
  }

  patches(): PatchRecord[] {
    return [...this.patchRecords.values()].sort((a, b) => compareStrings(a.id, b.id));
  }

  manualSteps(): ManualStep[] {
    return [...this.manual];
  }

  notes(): string[] {
    return [...this.messages];
  }
}

/** Code-unit order (locale-independent, so plans are deterministic everywhere). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
