// The session and what a run is configured with, over the API against the real engine: session.get
// and session.set (a new session for the next run, its fields in the store), saved die profiles,
// calibration records, and a stimulus imported from a client's file (checked, kept once, and run).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_ERRORS } from '../../shared/api/rpc';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { RpcClient, SMALL_RUN, startTestServer, type TestServer } from './server-fixture';

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

/** A vectors CSV of `rows` rows of 256 inputs; `bad` puts 300 in the first column of that line of the file. */
function vectorsCsv(rows: number, bad?: number): string {
  const lines = ['# x0..x255'];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: 256 }, (_, i) => (lines.length + 1 === bad && i === 0 ? 300 : (r * 7 + i) % 256)).join(','));
  return `${lines.join('\n')}\n`;
}

const weightsCsv = () => `${Array.from({ length: 256 }, (_, r) => Array.from({ length: 8 }, (_, m) => ((r + m) % 17) - 8).join(',')).join('\n')}\n`;

describe('the engine server: session, profiles, calibrations, stimulus import', () => {
  let s: TestServer;
  let c: RpcClient;
  beforeAll(async () => {
    s = await startTestServer();
    c = await RpcClient.open(s.server.apiUrl);
  });
  afterAll(async () => {
    await c.close();
    await s.close();
  });

  it('session.set ends the session in progress; the next run is logged under one with the new fields', async () => {
    expect(await c.call('session.get')).toEqual({ operator: 'test', bench: 'test', dieId: null, ambientC: null, notes: null });
    const first = await c.call('run.start', SMALL_RUN);
    await c.call('run.subscribe', { runId: first.runId });
    await c.stopOf(first.runId);
    const before = s.bench.getRun(first.runId)!.sessionId!;

    const fields = { operator: 'ada', bench: 'bench 3', dieId: 'W07-D12', ambientC: 23.5, notes: 'after the reflow' };
    expect(await c.call('session.set', fields)).toEqual(fields);
    expect(await c.call('session.get')).toEqual(fields);
    expect(s.bench.store.session(before)).toMatchObject({ operator: 'test', ended_at: expect.any(String) as unknown });

    const second = await c.call('run.start', SMALL_RUN);
    await c.call('run.subscribe', { runId: second.runId });
    await c.stopOf(second.runId);
    const sessionId = s.bench.getRun(second.runId)!.sessionId!;
    expect(sessionId).not.toBe(before);
    expect(s.bench.store.session(sessionId)).toMatchObject({
      operator: 'ada',
      bench: 'bench 3',
      die_label: 'W07-D12',
      ambient_c: 23.5,
      notes: 'after the reflow',
      ended_at: null,
    });
    // a field left out takes its default (null); a bad one is named
    expect(await c.call('session.set', { operator: 'bo' })).toEqual({ operator: 'bo', bench: null, dieId: null, ambientC: null, notes: null });
    expect((await c.request('session.set', { ambientC: 900 })).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'ambientC' } });
  });

  it('saves, lists and reads die profiles; a bad field is named profile.<field>', async () => {
    expect(await c.call('profiles.list')).toEqual([]);
    const checked = await c.call('profiles.save', { name: 'wide-adc', profile: { adcBits: 8 }, check: true });
    expect(checked).toEqual({ name: 'wide-adc', path: null, saved: false });
    expect(await c.call('profiles.list')).toEqual([]);

    const saved = await c.call('profiles.save', { name: 'wide-adc', profile: { adcBits: 8, vddV: 0.9 } });
    expect(saved).toMatchObject({ name: 'wide-adc', saved: true });
    expect(saved.path).toBe(`${s.dir}/profiles/wide-adc.json`);
    expect(readdirSync(`${s.dir}/profiles`)).toEqual(['wide-adc.json']); // no temporary file left
    expect(await c.call('profiles.list')).toEqual([{ name: 'wide-adc', path: saved.path }]);

    const got = await c.call('profiles.get', { name: 'wide-adc' });
    expect(got).toMatchObject({ name: 'wide-adc', path: saved.path });
    // every field, as the file spells it, the defaults filled in
    expect(got.profile).toEqual({ ...DEFAULT_PROFILE, adcBits: 8, vddV: 0.9 });
    expect(await c.call('profiles.get', { path: saved.path! })).toEqual({ ...got, name: null });
    expect(JSON.parse(readFileSync(saved.path!, 'utf8'))).toEqual(got.profile);

    const bad = await c.request('profiles.save', { name: 'bad', profile: { adcBits: 99 } });
    expect(bad.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'profile.adcBits' } });
    const cross = await c.request('profiles.save', { name: 'bad', profile: { levels: [{ boundary: 9, skip: 10 }], thresholds: [] } });
    expect(cross.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'profile.levels.0.skip' } });
    const typo = await c.request('profiles.save', { name: 'bad', profile: { adcBitz: 6 } });
    expect(typo.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'profile.adcBitz' } });
    expect(existsSync(`${s.dir}/profiles/bad.json`)).toBe(false);
    expect((await c.request('profiles.save', { name: '../escape', profile: {} })).error).toMatchObject({ data: { field: 'name' } });
    expect((await c.request('profiles.get', { name: 'nothing-here' })).error).toMatchObject({ data: { field: 'name' } });
  });

  it('lists calibration records, newest first, of one die when asked', async () => {
    const gain = new Float64Array(64).fill(1);
    const offsetLsb = new Float64Array(64);
    const a = s.bench.store.putCalibration({ dieId: 'DIE-A', sourceRunId: null, gain, offsetLsb, notes: null });
    const b = s.bench.store.putCalibration({ dieId: 'DIE-B', sourceRunId: null, gain, offsetLsb, notes: 'second' });
    const all = await c.call('calibrations.list');
    expect(all.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(all[0]).toMatchObject({ guid: b.guid, dieId: 'DIE-B', notes: 'second', gain: Array.from(gain) });
    expect((await c.call('calibrations.list', { dieId: 'DIE-A' })).map((r) => r.id)).toEqual([a.id]);
  });

  it('imports a stimulus and weights once each, and a run names them by the path answered', async () => {
    const csv = vectorsCsv(300);
    const vectors = await c.call('stimulus.import', { kind: 'vectors', fileName: 'x.csv', base64: b64(csv) });
    expect(vectors).toMatchObject({ kind: 'vectors', rows: 300, cols: 256 });
    expect(vectors.path).toBe(`${s.dir}/imports/${vectors.sha256}.csv`);
    expect(readFileSync(vectors.path, 'utf8')).toBe(csv);
    expect(await c.call('stimulus.import', { kind: 'vectors', fileName: 'again.csv', base64: b64(csv) })).toEqual(vectors);
    const weights = await c.call('stimulus.import', { kind: 'weights', fileName: 'w.csv', base64: b64(weightsCsv()) });
    expect(weights).toMatchObject({ rows: 256, cols: 8 });
    expect(readdirSync(`${s.dir}/imports`).sort()).toEqual([`${vectors.sha256}.csv`, `${weights.sha256}.csv`].sort());

    const { runId } = await c.call('run.start', { board: 'sim', vectorsFile: vectors.path, weightsFile: weights.path, mode: 'osa', batch: 100 });
    await c.call('run.subscribe', { runId });
    expect(await c.stopOf(runId)).toMatchObject({ state: 'completed' });
    expect(s.bench.getRun(runId)).toMatchObject({ vectorsDone: 300 });
  });

  it('refuses a bad stimulus file naming the field, the file and the line', async () => {
    const e = (await c.request('stimulus.import', { kind: 'vectors', fileName: 'sweep.csv', base64: b64(vectorsCsv(5, 4)) })).error;
    expect(e).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'vectorsFile' } });
    expect(e!.message).toMatch(/sweep\.csv: line 4\b.*300/);
    const w = (await c.request('stimulus.import', { kind: 'weights', fileName: 'w.npy', base64: b64('not an npy file') })).error;
    expect(w).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'weightsFile' } });
    expect(w!.message).toMatch(/^weightsFile: w\.npy: /);
    // checked against the profile named: a 128-row die takes no 256-input vectors
    await c.call('profiles.save', { name: 'half', profile: { rows: 128 } });
    const half = (await c.request('stimulus.import', { kind: 'vectors', fileName: 'x.csv', base64: b64(vectorsCsv(2)), profile: 'half' })).error;
    expect(half).toMatchObject({ data: { field: 'vectorsFile' }, message: /256 inputs per row, expected 128/ });
    expect((await c.request('stimulus.import', { kind: 'vectors', fileName: 'x.csv', base64: 'no base64!' })).error).toMatchObject({ data: { field: 'base64' } });
  });

  it('takes an import larger than the usual message limit, and nothing else that large', async () => {
    const rows = 2500; // about 2.3 MiB of CSV, 3 MiB of base64
    const csv = vectorsCsv(rows);
    expect(csv.length).toBeGreaterThan(2 * 1024 * 1024);
    const big = await c.call('stimulus.import', { kind: 'vectors', fileName: 'big.csv', base64: b64(csv) });
    expect(big).toMatchObject({ rows, cols: 256 });
    const note = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'runs.note', params: { run: 1, text: 'x'.repeat(2 * 1024 * 1024) } });
    expect(await c.raw(note)).toMatchObject({ id: null, error: { code: RPC_ERRORS.TOO_LARGE } });
    expect(await c.call('bench.info')).toMatchObject({ name: 'osa-bench' });
  });
});
