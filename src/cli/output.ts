import type { CliIo } from './io.js';
import type { PowError } from '../shared/pow-error.js';

/** Plain, deterministic output helpers (no colour yet): results on stdout, problems on stderr. */
export interface Output {
  /** One line on stdout. */
  line(text?: string): void;
  /** One line on stderr (warnings, notes). */
  warn(text: string): void;
  /** `value` as indented JSON on stdout, and nothing else. */
  json(value: unknown): void;
  /** A two-column table on stdout (see renderTable). */
  table(rows: TableRow[]): void;
}

/** A label and its value; a multi-line value continues under the value column. */
export type TableRow = readonly [label: string, value: string];

export function createOutput(io: CliIo): Output {
  return {
    line: (text = '') => void io.stdout.write(`${text}\n`),
    warn: (text) => void io.stderr.write(`${text}\n`),
    json: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    table: (rows) => void io.stdout.write(renderTable(rows)),
  };
}

/**
 * Renders rows as two left-aligned columns separated by two spaces; continuation lines of a
 * value are indented to the value column. Ends with a newline; no trailing spaces.
 */
export function renderTable(rows: readonly TableRow[]): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  const pad = ' '.repeat(width + 2);
  let out = '';
  for (const [label, value] of rows) {
    const [first = '', ...rest] = value.split('\n');
    out += `${label.padEnd(width + 2)}${first}`.trimEnd() + '\n';
    for (const line of rest) out += `${pad}${line}`.trimEnd() + '\n';
  }
  return out;
}

/** "error: <message>" and, when the error has one, "Fix: <fix>", each on its own line. */
export function formatPowError(error: PowError): string {
  return `error: ${error.message}\n${error.fix ? `Fix: ${error.fix}\n` : ''}`;
}

/** The JSON shape of an error under --json: `{ "error": { code, message, fix } }`. */
export function powErrorJson(error: PowError): {
  error: { code: string; message: string; fix: string | null };
} {
  return { error: { code: error.code, message: error.message, fix: error.fix ?? null } };
}
