// Time as a dependency: services take a Clock, so tests can run on a fake one.

export type TimerHandle = { readonly __timer: unique symbol };

export interface Clock {
  /** milliseconds, monotonic */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
