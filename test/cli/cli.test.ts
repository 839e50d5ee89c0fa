import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../cli/program';
import { DEFAULT_BAUD } from '../../drivers/transport/serial';
import { MAC_RECORD_KEYS } from '../../shared/io/mac-records';
import { BIN, cli, cliProcess } from './run-cli';

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(error.message, { cause: error })) : resolve({ stdout, stderr }),
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osa-cli-'));
});
const f = (name: string) => join(dir, name);

describe('osa-bench workload', () => {
  it.each(['csv', 'npy'])('writes %s files and reports their content hashes', async (ext) => {
    const r = await cli('workload', '--kind', 'relu', '--vectors', '50', '--seed', '3', '--out-vectors', f(`x.${ext}`), '--out-weights', f(`w.${ext}`));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { vectorsHash: string; weightsHash: string; vectors: number };
    expect(report.vectors).toBe(50);
    expect(report.vectorsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('gives the same hashes from CSV and NPY (the hash is of the content, not the file)', async () => {
    const a = JSON.parse((await cli('workload', '--kind', 'uniform', '--vectors', '5', '--out-vectors', f('u.csv'), '--out-weights', f('uw.csv'))).stdout) as Record<
      string,
      string
    >;
    const b = JSON.parse((await cli('workload', '--kind', 'uniform', '--vectors', '5', '--out-vectors', f('u.npy'), '--out-weights', f('uw.npy'))).stdout) as Record<
      string,
      string
    >;
    expect(a.vectorsHash).toBe(b.vectorsHash);
    expect(a.weightsHash).toBe(b.weightsHash);
  });

  it('refuses an unknown kind and a bad vector count, naming the option', async () => {
    const r = await cli('workload', '--kind', 'gauss', '--vectors', '5', '--out-vectors', f('a.csv'), '--out-weights', f('b.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--kind <kind>' argument 'gauss' is invalid. expected one of relu/);
    const r2 = await cli('workload', '--kind', 'relu', '--vectors', 'many', '--out-vectors', f('a.csv'), '--out-weights', f('b.csv'));
    expect(r2.stderr).toMatch(/--vectors <T>' argument 'many' is invalid/);
  });
});

describe('osa-bench model', () => {
  beforeAll(async () => {
    await cli('workload', '--kind', 'relu', '--vectors', '20', '--seed', '1', '--out-vectors', f('rx.csv'), '--out-weights', f('rw.npy'));
  });

  it('eval writes one JSON record per (vector, output) with the contract keys', async () => {
    const r = await cli('model', 'eval', '--weights', f('rw.npy'), '--vectors', f('rx.csv'), '--mode', 'osa');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines).toHaveLength(160);
    expect(Object.keys(lines[0]!)).toEqual([...MAC_RECORD_KEYS]);
    expect(lines[161 - 2]).toMatchObject({ vector: 19, output: 7 });
    for (const l of lines) expect(l.nDigital! + l.nAnalog! + l.nSkipped!).toBe(64);
  });

  it('eval --format csv has a header and the same values', async () => {
    const csv = await cli('model', 'eval', '--weights', f('rw.npy'), '--vectors', f('rx.csv'), '--mode', 'hcim', '--boundary', '9', '--format', 'csv');
    const json = await cli('model', 'eval', '--weights', f('rw.npy'), '--vectors', f('rx.csv'), '--mode', 'hcim', '--boundary', '9');
    const [header, first] = csv.stdout.split('\n');
    expect(header).toBe(MAC_RECORD_KEYS.join(','));
    const rec = JSON.parse(json.stdout.split('\n')[0]!) as Record<string, number>;
    expect(first).toBe(MAC_RECORD_KEYS.map((k) => rec[k]).join(','));
  });

  it('eval --codes adds the ADC code of every plane', async () => {
    const r = await cli('model', 'eval', '--weights', f('rw.npy'), '--vectors', f('rx.csv'), '--mode', 'acim', '--codes');
    const rec = JSON.parse(r.stdout.split('\n')[0]!) as { codes: number[] };
    expect(rec.codes).toHaveLength(64);
    expect(rec.codes.every((c) => c >= 0 && c <= 63)).toBe(true);
  });

  it('summary prints the contract keys and the hashes of its inputs', async () => {
    const r = await cli('model', 'summary', '--weights', f('rw.npy'), '--vectors', f('rx.csv'), '--mode', 'osa');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['snrDb', 'snrDbPerLevel', 'levelMix', 'meanPlanes', 'energyPjPerMac', 'gainVsDcim', 'topsPerWatt', 'vectors', 'vectorsHash', 'weightsHash']) {
      expect(s).toHaveProperty(key);
    }
    expect(s.vectors).toBe(20);
  });

  it('summary with a profile file honours it', async () => {
    await writeFile(f('p.json'), JSON.stringify({ energy: { digitalPlanePj: 1.6 } }));
    const r = await cli('model', 'summary', '--weights', f('rw.npy'), '--vectors', f('rx.csv'), '--mode', 'dcim', '--profile', f('p.json'));
    expect((JSON.parse(r.stdout) as { energyPjPerMac: number }).energyPjPerMac).toBeCloseTo(64 * 1.6, 9);
  });

  it.each([
    ['a missing file', ['--weights', 'nope.csv'], /nope\.csv: no such file/],
    ['an unknown extension', ['--weights', 'w.txt'], /w\.txt: unknown extension '\.txt': use \.csv or \.npy/],
    ['hcim without a boundary', ['--mode', 'hcim'], /boundary: required for mode hcim/],
    ['a boundary beyond the planes', ['--mode', 'hcim', '--boundary', '20'], /boundary: must be an integer in 0\.\.15, got 20/],
  ])('refuses %s with exit code 2 and one clear line', async (_, args, message) => {
    const base: Record<string, string> = { '--weights': f('rw.npy'), '--vectors': f('rx.csv'), '--mode': 'osa' };
    for (let k = 0; k < args.length; k += 2) base[args[k]!] = args[k + 1]!;
    const r = await cli('model', 'summary', ...Object.entries(base).flat());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('refuses a vector file with a bad line before writing any record', async () => {
    const text = await readFile(f('rx.csv'), 'utf8');
    const lines = text.split('\n');
    lines[5] = lines[5]!.replace(/^\d+/, '300');
    await writeFile(f('bad.csv'), lines.join('\n'));
    const r = await cli('model', 'eval', '--weights', f('rw.npy'), '--vectors', f('bad.csv'), '--mode', 'dcim');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f('bad.csv')}: line 6, column 1: input 300 is outside 0..255`);
    expect(r.stdout).toBe('');
  });

  it('refuses a bad profile, naming the field', async () => {
    await writeFile(f('bad.json'), JSON.stringify({ adcBits: 40 }));
    const r = await cli('model', 'summary', '--weights', f('rw.npy'), '--vectors', f('rx.csv'), '--mode', 'osa', '--profile', f('bad.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: invalid die profile:\n {2}adcBits: must be <= 12/);
  });
});

describe('--help', () => {
  /** Every command and subcommand, as the program defines them (so a new command is covered too). */
  function commandPaths(): string[][] {
    const sink = new PassThrough();
    const paths: string[][] = [[]];
    const walk = (cmd: Command, path: string[]) =>
      cmd.commands.forEach((c) => {
        paths.push([...path, c.name()]);
        walk(c, [...path, c.name()]);
      });
    walk(createProgram({ stdout: sink, stderr: sink, exit: { code: 0 } }), []);
    return paths.filter((p) => p.at(-1) !== 'help');
  }

  it('prints the usage of every command and exits 0', async () => {
    const paths = commandPaths();
    expect(paths).toContainEqual(['runs', 'resume']);
    expect(paths).toContainEqual(['procedure', 'repeatability']);
    for (const path of paths) {
      const r = await cli(...path, '--help');
      expect(r.code, path.join(' ')).toBe(0);
      expect(r.stdout, path.join(' ')).toMatch(new RegExp(`^Usage: osa-bench ${path.join(' ')}`));
      expect(r.stderr).toBe('');
    }
  });

  it("sim shows the serial link's default baud rate", async () => {
    expect((await cli('sim', '--help')).stdout).toMatch(new RegExp(`--baud <b> .*\\(default:\\s+${DEFAULT_BAUD}\\)`, 's'));
  });
});

describe('the installed command', () => {
  it('runs through bin/: --help, --version and an exit code', async () => {
    const help = await cliProcess('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: osa-bench \[options\] \[command\]/);
    expect(help.stdout).toMatch(/^ {2}runs\s/m);
    const version = await cliProcess('--version');
    expect(version.stdout.trim()).toBe((JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    const unknown = await cliProcess('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('demo prints model figures beside the spec figures', async () => {
    const r = await cliProcess('demo', '--vectors', '500');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gain vs dcim\s+1\.9\d+\s+1\.95/);
  });

  it('runs the compiled build only while every source it lists is unchanged, and the sources otherwise', async () => {
    // a tree of its own: bin/, a source and a build of it that say which one ran, and tsx
    const root = await mkdtemp(join(tmpdir(), 'osa-bin-'));
    await mkdir(join(root, 'bin'));
    await mkdir(join(root, 'cli'));
    await mkdir(join(root, 'dist/cli/b1'), { recursive: true });
    await copyFile(BIN, join(root, 'bin/osa-bench.mjs'));
    await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
    await symlink(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(root, 'node_modules'), 'dir');
    const source = join(root, 'cli/main.ts');
    await writeFile(source, "const from: string = 'source';\nconsole.log(from);\n");
    await writeFile(join(root, 'dist/cli/b1/main.mjs'), "console.log('build');\n");
    const manifest = async () => {
      const s = await stat(source);
      await writeFile(join(root, 'dist/cli/build.json'), JSON.stringify({ main: 'b1/main.mjs', inputs: { 'cli/main.ts': [s.size, s.mtimeMs] } }));
    };
    const ran = async (env: Record<string, string> = {}) => {
      const r = await run(process.execPath, [join(root, 'bin/osa-bench.mjs')], env);
      expect(r.stderr).toBe('');
      return r.stdout.trim();
    };

    expect(await ran()).toBe('source'); // not built yet
    await manifest();
    expect(await ran()).toBe('build');
    expect(await ran({ OSA_BENCH_FROM_SOURCE: '1' })).toBe('source');
    await writeFile(source, "const from: string = 'edited again';\nconsole.log(from);\n");
    expect(await ran()).toBe('edited again');
  });
});
