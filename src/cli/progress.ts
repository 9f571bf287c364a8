import type { CliIo } from './io.js';

/**
 * A spinner line on stderr for CLI steps that can take a second or more (inspecting the project,
 * the schema engine's diff, applying migrations). Only for a person at a terminal: it is off unless
 * stderr is a TTY and stdout/stdin are too (`io.isTTY`), and off under CI, TERM=dumb, --json and
 * in tests (in-memory sinks are no TTY). When off, nothing is ever written.
 *
 *   const progress = createProgress(ctx.io);
 *   const project = await progress.run('Inspecting the project', () => inspectProject(root));
 *
 *   const spinner = progress.start('Planning the changes');
 *   ...                       // spinner.stop() before printing or prompting
 *   spinner.stop();
 *
 * The line appears only when the step is still running after `delayMs` (short steps never
 * flicker) and is erased when it ends, so the command's own output is unchanged.
 */
export interface Progress {
  /** Whether a spinner can be shown at all. */
  readonly enabled: boolean;
  /** Shows `label` with a spinner while `work` runs; erases it when it settles. */
  run<T>(label: string, work: () => Promise<T>): Promise<T>;
  /** Starts a spinner; stop it before writing anything else. Safe to stop twice. */
  start(label: string): Spinner;
}

export interface Spinner {
  /** Changes the label of a running spinner. */
  update(label: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Force on or off (default: see progressEnabled). */
  enabled?: boolean;
  /** Wait before the first frame, ms (default 400). */
  delayMs?: number;
  /** Time between frames, ms (default 80). */
  intervalMs?: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** ASCII frames where the terminal may not show braille (TERM=linux, Windows console host). */
const ASCII_FRAMES = ['-', '\\', '|', '/'];

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** A spinner belongs on an interactive terminal only: never in CI, tests, pipes or TERM=dumb. */
export function progressEnabled(io: Pick<CliIo, 'env' | 'isTTY' | 'stderr'>): boolean {
  const stderrTTY = (io.stderr as { isTTY?: boolean }).isTTY === true;
  if (!io.isTTY || !stderrTTY) return false;
  if (truthy(io.env.CI) || io.env.NODE_ENV === 'test' || io.env.TERM === 'dumb') return false;
  if (truthy(io.env.POW_NO_PROGRESS)) return false;
  return true;
}

const NOOP_SPINNER: Spinner = { update() {}, stop() {} };

/** Spinners on screen; `run()` in src/cli/main.ts erases any left by a command that threw. */
const active = new Set<Spinner>();

/** Stops (and erases) every running spinner: before an error message is printed. */
export function stopAllSpinners(): void {
  for (const spinner of [...active]) spinner.stop();
}

export function createProgress(
  io: Pick<CliIo, 'env' | 'isTTY' | 'stderr'>,
  options: ProgressOptions = {},
): Progress {
  const enabled = options.enabled ?? progressEnabled(io);
  const delayMs = options.delayMs ?? 400;
  const intervalMs = options.intervalMs ?? 80;
  const frames =
    io.env.TERM === 'linux' || (process.platform === 'win32' && !io.env.WT_SESSION) ? ASCII_FRAMES : FRAMES;
  // A pty without a size reports 0 columns.
  const reported = (io.stderr as { columns?: number }).columns;
  const columns = reported !== undefined && reported > 0 ? reported : 80;

  const start = (initial: string): Spinner => {
    if (!enabled) return NOOP_SPINNER;
    let label = initial;
    let frame = 0;
    // Width of the line on screen; erased with spaces (no escape codes, so NO_COLOR output has none).
    let drawn = 0;
    let stopped = false;
    const started = Date.now();
    const draw = () => {
      const seconds = Math.floor((Date.now() - started) / 1000);
      const text = `${frames[frame % frames.length]} ${label}${seconds >= 1 ? ` (${seconds}s)` : ''}`;
      frame++;
      // One line, never wrapped: a wrapped line could not be erased with \r.
      const line = text.slice(0, Math.max(10, columns - 1));
      io.stderr.write(`\r${line}${' '.repeat(Math.max(0, drawn - line.length))}`);
      drawn = Math.max(drawn, line.length);
    };
    let interval: ReturnType<typeof setInterval> | undefined;
    const delay = setTimeout(() => {
      draw();
      interval = setInterval(draw, intervalMs);
      interval.unref?.();
    }, delayMs);
    delay.unref?.();
    const spinner: Spinner = {
      update(next) {
        label = next;
      },
      stop() {
        if (stopped) return;
        stopped = true;
        active.delete(spinner);
        clearTimeout(delay);
        if (interval) clearInterval(interval);
        if (drawn > 0) io.stderr.write(`\r${' '.repeat(drawn)}\r`);
      },
    };
    active.add(spinner);
    return spinner;
  };

  return {
    enabled,
    start,
    async run(label, work) {
      const spinner = start(label);
      try {
        return await work();
      } finally {
        spinner.stop();
      }
    },
  };
}
