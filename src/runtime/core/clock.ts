/** A controllable clock for tests: pass `clock.now` as `PowConfig.clock`. */
export interface FakeClock {
  /** Current time in ms (bound: safe to pass around as a function). */
  readonly now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(start = Date.UTC(2030, 0, 1)): FakeClock {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
    set(ms: number) {
      current = ms;
    },
  };
}
