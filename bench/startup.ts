// npm run bench -- startup: how long `osa-bench --help` and `osa-bench runs list` take as whole
// processes, beside `node -e ""` and beside the same commands run from the TypeScript sources
// through tsx (the start-up before the build, still what bin/ falls back to with a stale build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report, type Row } from './report';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/osa-bench.mjs');

interface Case {
  readonly label: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
}

/** Milliseconds of one whole process, output discarded; it must succeed. */
function time(c: Case): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...c.env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

interface BuildManifest {
  startup: string[];
  inputs: Record<string, [size: number, mtimeMs: number]>;
}

/** Sources changed since the build (bin/ then runs them through tsx, as bin/osa-bench.mjs does). */
function changedSince(build: BuildManifest): string[] {
  return Object.entries(build.inputs)
    .filter(([file, [size, mtimeMs]]) => {
      const s = statSync(join(ROOT, file), { throwIfNoEntry: false });
      return s?.size !== size || s.mtimeMs !== mtimeMs;
    })
    .map(([file]) => file);
}

function osaBench(...args: string[]): void {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`osa-bench ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
}

export function benchStartup(options: { runs: number }): void {
  // the build of the sources as they are: without it bin/ would run the sources through tsx
  const built = spawnSync(process.execPath, [join(ROOT, 'tools/build.mjs')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`tools/build.mjs: ${built.stderr}`);
  process.stdout.write(built.stdout);
  const build = JSON.parse(readFileSync(join(ROOT, 'dist/cli/build.json'), 'utf8')) as BuildManifest;

  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-startup-'));
  try {
    // a store with two runs in it, as a lab's store has
    const db = join(dir, 'runs.db');
    for (const seed of ['1', '2']) osaBench('run', '--board', 'sim', '--db', db, '--workload', 'relu', '--vectors', '500', '--seed', seed, '--mode', 'osa', '--json');
    const tsx = { OSA_BENCH_FROM_SOURCE: '1' };
    const cases: Case[] = [
      { label: 'node -e ""', args: ['-e', ''] },
      { label: 'osa-bench --help', args: [BIN, '--help'] },
      { label: 'osa-bench runs list', args: [BIN, 'runs', 'list', '--db', db] },
      { label: 'tsx: osa-bench --help', args: [BIN, '--help'], env: tsx },
      { label: 'tsx: osa-bench runs list', args: [BIN, 'runs', 'list', '--db', db], env: tsx },
    ];
    // one round of warm-up (disk cache), then rounds that take each case in turn, so a load that
    // comes and goes on a shared machine falls on every case alike
    cases.forEach(time);
    const ms = cases.map(() => [] as number[]);
    for (let round = 0; round < options.runs; round++) cases.forEach((c, i) => ms[i]!.push(time(c)));

    const med = ms.map(median);
    const node = med[0]!;
    const rows: Row[] = cases.map((c, i) => [`${c.label} (ms)`, med[i]!, `median of ${options.runs}, best ${Math.min(...ms[i]!).toFixed(1)}`]);
    rows.push(
      ['--help / node -e ""', med[1]! / node, 'target <= 3'],
      ['runs list / node -e ""', med[2]! / node, 'target <= 3'],
      ['tsx --help / node -e ""', med[3]! / node, 'before the build'],
      ['tsx runs list / node -e ""', med[4]! / node, 'before the build'],
      ['tsx --help / --help', med[3]! / med[1]!, 'what the build saves'],
    );
    report('startup: whole processes, side by side', rows);
    console.log(`  packages loaded at every start (dist/cli/build.json): ${build.startup.join(', ')}`);
    const changed = changedSince(build);
    if (changed.length > 0) console.log(`  NOTE: ${changed.join(', ')} changed during the benchmark: some osa-bench runs above ran the sources through tsx`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
