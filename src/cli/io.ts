/** Where a CLI run writes and what it knows of its environment; tests pass in-memory sinks. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  env: Record<string, string | undefined>;
  /** True when a person can answer prompts. */
  isTTY: boolean;
}
