import { diffComm } from 'node-diff3';
import { toLines } from './merge3.js';

type Op = { kind: ' ' | '-' | '+'; line: string };

/**
 * Unified diff (`diff -u` / git style) of two texts, compared after normalisation (CRLF, BOM,
 * trailing newline). Empty string when they are equal.
 */
export function unifiedDiff(
  before: string | null,
  after: string | null,
  opts: { path: string; context?: number },
): string {
  const a = toLines(before ?? '');
  const b = toLines(after ?? '');
  const context = opts.context ?? 3;
  const ops: Op[] = [];
  for (const chunk of diffComm(a, b) as ({ common: string[] } | { buffer1: string[]; buffer2: string[] })[]) {
    if ('common' in chunk) for (const line of chunk.common) ops.push({ kind: ' ', line });
    else {
      for (const line of chunk.buffer1) ops.push({ kind: '-', line });
      for (const line of chunk.buffer2) ops.push({ kind: '+', line });
    }
  }
  const changed = ops.map((op, i) => (op.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return '';

  // Group changes whose context windows touch.
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= context * 2 + 1) last[1] = i;
    else groups.push([i, i]);
  }
  const out = [
    `--- ${before === null ? '/dev/null' : `a/${opts.path}`}`,
    `+++ ${after === null ? '/dev/null' : `b/${opts.path}`}`,
  ];
  // Line numbers before each op.
  const oldNo: number[] = [];
  const newNo: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldNo.push(o);
    newNo.push(n);
    if (op.kind !== '+') o += 1;
    if (op.kind !== '-') n += 1;
  }
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(start, end + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    const oldStart = oldCount === 0 ? oldNo[start] - 1 : oldNo[start];
    const newStart = newCount === 0 ? newNo[start] - 1 : newNo[start];
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) out.push(`${op.kind}${op.line}`);
  }
  return `${out.join('\n')}\n`;
}
