/**
 * The one error type pow's CLI and generators throw for expected failures. `bin/pow.js` turns it
 * into a message on stderr and an exit code; nothing below `bin/` exits the process.
 */
export interface PowErrorDetails {
  /** Stable, documented code: POW_ + SCREAMING_SNAKE (e.g. POW_PRISMA_FIELD_CONFLICT). */
  code: string;
  /** What went wrong, naming the file (relative path) and what was expected. */
  message: string;
  /** A runnable fix, shown as "Fix: ...". */
  fix?: string;
  /** Exit code: 1 error (default), 2 usage, 3 conflict or drift. */
  exitCode?: 1 | 2 | 3;
  cause?: unknown;
}

export class PowError extends Error {
  readonly code: string;
  readonly fix?: string;
  readonly exitCode: 1 | 2 | 3;

  constructor(details: PowErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PowError';
    this.code = details.code;
    this.fix = details.fix;
    this.exitCode = details.exitCode ?? 1;
  }
}

export function isPowError(error: unknown): error is PowError {
  return error instanceof PowError;
}
