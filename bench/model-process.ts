// Benchmark of `osa-bench model summary` and `model eval` as a user runs them: whole processes
// (start-up, file reading, hashing, checking, the model, output), on relu .npy sets of 50,000 and
// 500,000 vectors, against an independent numpy implementation (bench/model_golden.py) on the same
// files. The golden's summary must agree with osa-bench's, or the comparison is void.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report, type Row } from './report';

const BIN = fileURLToPath(new URL('../bin/osa-bench.mjs', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./model_golden.py', import.meta.url));
const TARGET = 100_000; // vectors/s, whole process (issue 8: 20x the numpy golden's ~5,000)

/** Seconds of one whole process; its stdout goes to /dev/null unless kept. */
function run(cmd: string, args: readonly string[], keep = false): { seconds: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', keep ? 'pipe' : 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { seconds, stdout: r.stdout ?? '' };
}

const medianOf = (runs: number, f: () => number) => median(Array.from({ length: runs }, f));

/** Vectors/s once the start-up is taken off; n/a when the machine's noise swallows the difference. */
const withoutStartup = (n: number, seconds: number, startup: number) => (seconds > startup ? `${Math.round(n / (seconds - startup)).toLocaleString('en-US')}/s` : 'n/a');

type Summary = Record<string, unknown>;

/** Every figure the golden computes, equal to 1e-9 relative (sums in another order). */
function disagreements(ts: Summary, golden: Summary): string[] {
  const flat = (o: unknown, p = ''): [string, unknown][] =>
    o !== null && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => flat(v, `${p}${p ? '.' : ''}${k}`)) : [[p, o]];
  const ours = new Map(flat(ts));
  return flat(golden).flatMap(([k, g]) => {
    const t = ours.get(k);
    const same = typeof g === 'number' && typeof t === 'number' ? Math.abs(g - t) <= 1e-9 * Math.max(1, Math.abs(g)) : g === t;
    return same ? [] : [`${k}: osa-bench ${String(t)}, numpy ${String(g)}`];
  });
}

export function benchModelProcess(args: { sizes: readonly number[]; runs: number }): void {
  const python = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  if (!python) console.warn('model-process: python3 with numpy not found (apt-get install -y python3-numpy); the golden is skipped');
  const dir = mkdtempSync(join(tmpdir(), 'osa-model-process-'));
  try {
    const weights = join(dir, 'w.csv');
    const make = (n: number) => {
      const vectors = join(dir, `x${n}.npy`);
      execFileSync(process.execPath, [BIN, 'workload', '--kind', 'relu', '--vectors', String(n), '--seed', '1', '--out-vectors', vectors, '--out-weights', weights]);
      return vectors;
    };
    const inputs = (v: string) => ['--weights', weights, '--vectors', v, '--mode', 'osa'];
    const one = make(1);
    const nodeBare = medianOf(args.runs + 2, () => run(process.execPath, ['-e', '']).seconds);
    const startup = medianOf(args.runs + 2, () => run(process.execPath, [BIN, 'model', 'summary', ...inputs(one)]).seconds);
    const rows: Row[] = [
      ['node -e "" (s)', nodeBare, 'bare Node start'],
      ['osa-bench model summary on 1 vector (s)', startup, `start-up: ${(startup / nodeBare).toFixed(1)}x node -e ""; subtracted below for "w/o start-up"`],
    ];
    let met = true;
    for (const n of args.sizes) {
      const vectors = make(n);
      const summary = medianOf(args.runs, () => run(process.execPath, [BIN, 'model', 'summary', ...inputs(vectors)]).seconds);
      const evalCsv = medianOf(args.runs, () => run(process.execPath, [BIN, 'model', 'eval', ...inputs(vectors), '--format', 'csv']).seconds);
      const rate = (s: number) => n / s;
      rows.push(
        [`summary, ${n} vectors (vectors/s)`, rate(summary), `${summary.toFixed(2)} s whole process; w/o start-up ${withoutStartup(n, summary, startup)}`],
        [`eval --format csv, ${n} vectors (vectors/s)`, rate(evalCsv), `${evalCsv.toFixed(2)} s, ${n * 8} records; w/o start-up ${withoutStartup(n, evalCsv, startup)}`],
      );
      met &&= rate(summary) >= TARGET && rate(evalCsv) >= TARGET;
      if (!python) continue;
      const golden = medianOf(args.runs, () => run('python3', [GOLDEN, '--weights', weights, '--vectors', vectors]).seconds);
      const ours = JSON.parse(run(process.execPath, [BIN, 'model', 'summary', ...inputs(vectors)], true).stdout) as Summary;
      const theirs = JSON.parse(run('python3', [GOLDEN, '--weights', weights, '--vectors', vectors], true).stdout) as Summary;
      const diff = disagreements(ours, theirs);
      if (diff.length > 0) throw new Error(`the numpy golden disagrees with osa-bench on ${n} vectors:\n  ${diff.join('\n  ')}`);
      rows.push(
        [
          `numpy golden, ${n} vectors (vectors/s)`,
          rate(golden),
          `${golden.toFixed(2)} s whole process; its summary agrees (SNR ${Number(ours.snrDb).toFixed(3)} dB, level mix, planes, energy, G)`,
        ],
        [`summary / golden, ${n}`, golden / summary, 'x'],
        [`eval csv / golden, ${n}`, golden / evalCsv, 'x'],
      );
    }
    rows.push([`target ${TARGET.toLocaleString('en-US')} vectors/s whole process`, TARGET, met ? 'met by every command and size' : 'NOT met by every command and size']);
    report('model-process', rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
