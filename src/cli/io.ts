/** Where a CLI run writes and what it knows of its environment; tests pass in-memory sinks. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  env: Record<string, string | undefined>;
  /** What was piped in (`pow user create --password-stdin`); absent when nothing can be read. */
  stdin?: AsyncIterable<string | Uint8Array>;
  /** True when a person can answer prompts. */
  isTTY: boolean;
}
