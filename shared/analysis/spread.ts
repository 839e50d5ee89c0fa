// The spread of a handful of figures (repeats, columns, dies): mean, sample sd, min and max.

export interface Spread {
  readonly mean: number;
  /** sample standard deviation (n - 1); 0 for a single value */
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd, min: Math.min(...values), max: Math.max(...values) };
}
