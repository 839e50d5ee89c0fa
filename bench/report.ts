// Timing and printing helpers for the benchmark scripts.

/** Seconds taken by one call of fn. */
export function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export type Row = readonly [label: string, value: number, note: string];

/** A table for people, then one JSON line for scripts. */
export function report(name: string, rows: readonly Row[]): void {
  const width = Math.max(...rows.map((r) => r[0].length));
  const fmt = (v: number) => (v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
  console.log(`\n== ${name} (node ${process.version}, ${process.arch})`);
  for (const [label, value, note] of rows) console.log(`  ${label.padEnd(width)}  ${fmt(value).padStart(12)}  ${note}`);
  console.log(JSON.stringify({ bench: name, ...Object.fromEntries(rows.map(([l, v]) => [l, v])) }));
}
