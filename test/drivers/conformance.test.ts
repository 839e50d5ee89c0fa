// The board protocol conformance suite: the same checks against the simulated board reached
// in-process, through a pseudo-terminal pair and the real serialport driver, and over TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardClient } from '../../drivers/client/board-client';
import { streamBatches, type StreamedBatch } from '../../drivers/client/batch-stream';
import { BoardDisconnectedError, BoardError, BoardUnresponsiveError } from '../../drivers/client/errors';
import { systemClock } from '../../drivers/clock';
import { parseFaultSpec } from '../../drivers/sim/faults';
import { createDieModel } from '../../shared/model/evaluator';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import { resultLayout } from '../../shared/protocol/data-blocks';
import { encodeRequest, parseBoardLine } from '../../shared/protocol/frame';
import { ERR, type BoardRunConfig } from '../../shared/protocol/payloads';
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import { rowSlice } from '../../shared/model/matrix';
import { connectClient, setupBoard, TRANSPORTS, type BoardSetup } from './board-fixtures';
import { anyOf } from '../support/matchers';

const OSA: BoardRunConfig = { mode: 'osa', levels: DEFAULT_PROFILE.levels, thresholds: DEFAULT_PROFILE.thresholds, salientInputBits: 2 };
const workload = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 300, seed: 5 });
const model = createDieModel(DEFAULT_PROFILE, workload.weights);

/** Load, run and fetch a batch; compare with the model: D and level exact, codes within a few LSB. */
async function runAndCheck(client: BoardClient, batch: number, vectors = 300, config: BoardRunConfig = OSA) {
  await client.configure(config);
  await client.writeWeights(workload.weights.data);
  await client.loadVectors(0, workload.vectors.data, vectors);
  const report = await client.run(batch, 0, vectors);
  const results = await client.fetchResults(batch, 0, vectors, resultLayout(client.capabilities, config));
  const expected = model.evaluate(
    { rows: vectors, cols: 256, data: workload.vectors.data.subarray(0, vectors * 256) },
    { mode: config.mode, boundary: config.boundary, skip: config.skip },
    { codes: true },
  );
  let worstCode = 0;
  const mismatches: string[] = [];
  for (let mac = 0; mac < vectors * 8; mac++) {
    if (results.digital[mac] !== expected.digital[mac]) mismatches.push(`MAC ${mac}: D ${results.digital[mac]} != ${expected.digital[mac]}`);
    if (results.level[mac] !== expected.level[mac]) mismatches.push(`MAC ${mac}: level ${results.level[mac]} != ${expected.level[mac]}`);
    for (let p = 0; p < 64; p++) {
      const ideal = expected.codes![mac * 64 + p]!;
      const got = results.codes[mac * 64 + p]!;
      if ((got === -1) !== (ideal === -1)) mismatches.push(`MAC ${mac}, plane ${p}: code ${got} where the model has ${ideal}`);
      worstCode = Math.max(worstCode, Math.abs(got - ideal));
    }
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
  return { report, worstCode };
}

describe.each(TRANSPORTS)('board protocol over %s', (kind) => {
  let setup: BoardSetup;
  let client: BoardClient;
  beforeAll(async () => {
    setup = await setupBoard(kind);
    client = await connectClient(setup);
  });
  afterAll(async () => {
    await client.close();
    await setup.close();
  });

  it('identifies the board and its protocol version, and advertises its capabilities', () => {
    expect(client.identity).toMatchObject({ vendor: 'OSA-BENCH-SIM', serial: 'SIM-0001', dieId: 'SIM-DIE-0001', protocol: 1 });
    expect(client.capabilities).toMatchObject({ rows: 256, outputs: 8, inputBits: 8, weightBits: 8, adcBits: 6, window: 8, maxLine: 8192, clockMHz: 100 });
  });

  it('takes a run configuration and reads it back', async () => {
    const hcim: BoardRunConfig = { ...OSA, mode: 'hcim', boundary: 9, skip: 1 };
    expect(await client.configure(hcim)).toEqual(hcim);
    expect(await client.readConfig()).toEqual(hcim);
  });

  it('writes weights and reads back the same', async () => {
    await client.writeWeights(workload.weights.data);
    expect(Array.from(await client.readWeights())).toEqual(Array.from(workload.weights.data));
  });

  it('runs a batch: digital sums and levels exactly the model, ADC codes within noise', async () => {
    const { report, worstCode } = await runAndCheck(client, 1);
    expect(report).toMatchObject({ batch: 1, vectors: 300, aborted: false });
    expect(worstCode).toBeLessThanOrEqual(3);
    expect(worstCode).toBeGreaterThan(0); // the silicon is not the ideal model
  });

  it('runs fixed-boundary modes too', async () => {
    for (const config of [
      { ...OSA, mode: 'hcim' as const, boundary: 10, skip: 2 },
      { ...OSA, mode: 'dcim' as const },
      { ...OSA, mode: 'acim' as const },
    ]) {
      const { worstCode } = await runAndCheck(client, 2, 40, config);
      if (config.mode === 'dcim') expect(worstCode).toBe(0);
    }
  });

  it('reports the burst, its power per rail and the die temperature', async () => {
    const { report } = await runAndCheck(client, 3);
    expect(report.burstUs).toBeCloseTo((300 * 8) / 100, 6);
    // energy model: about 14 pJ (digital + saliency) and 12 pJ (analog) per MAC, 2400 MACs in 24 us
    expect(report.railMw.VDD_DIG).toBeGreaterThan(0.8);
    expect(report.railMw.VDD_DIG).toBeLessThan(2.2);
    expect(report.railMw.VDD_ANA).toBeGreaterThan(0.7);
    expect(report.railMw.VDD_ANA).toBeLessThan(1.9);
    expect(report.railMw.VDD_SRAM).toBeGreaterThan(0);
    expect(report.dieTempC).toBeGreaterThan(24);
    expect(report.dieTempC).toBeLessThan(35);
  });

  it('sends idle telemetry of the rails when asked', async () => {
    const got = new Promise((resolve) => client.onTelemetry(resolve));
    await client.setTelemetry(100);
    expect(await got).toMatchObject({ railMw: { VDD_DIG: anyOf(Number) } });
    await client.setTelemetry(0);
  });

  it.each([
    ['an unknown command', 'FROB', [], ERR.UNKNOWN_COMMAND, /unknown command FROB/],
    ['a boundary beyond the planes', 'CFG', ['MODE=hcim', 'B=30'], ERR.BAD_PARAMETER, /boundary/],
    ['an unknown configuration key', 'CFG', ['SPEED=9'], ERR.BAD_PARAMETER, /SPEED/],
    ['vectors beyond the vector memory', 'VEC', [65535, 2, 'B', 'AA=='], ERR.OVERFLOW, /exceed the vector memory/],
    ['bad base64 data', 'VEC', [0, 1, 'B', '!!!!'], ERR.BAD_DATA, /not valid base64/],
    ['an unknown encoding', 'WGT', [0, 1, 'X', '1'], ERR.BAD_DATA, /encoding must be B or D/],
    ['results of an unknown batch', 'RES?', [424242, 0, 1], ERR.NO_RESULTS, /no results for batch 424242/],
    ['more results than memory', 'RUN', [1, 0, 65536, 2], ERR.OVERFLOW, /exceed the result memory/],
    ['a too-fast telemetry period', 'TEL', [5], ERR.BAD_PARAMETER, /period must be 0/],
    ['a line over the limit', 'VEC', [0, 1, 'B', 'A'.repeat(9000)], ERR.LINE_TOO_LONG, /line too long/],
  ])('answers %s with ERR and stays usable', async (_, verb, args, code, text) => {
    const err = await client.request(verb, args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoardError);
    expect((err as BoardError).code).toBe(code);
    expect((err as BoardError).text).toMatch(text);
    await client.ping();
  });

  it('refuses to run before weights are written', async () => {
    await client.reset();
    const err = await client.run(9, 0, 1).catch((e: unknown) => e);
    expect((err as BoardError).code).toBe(ERR.NOT_CONFIGURED);
  });

  it('streams a large vector set over a clean link without a single timeout or resend', async () => {
    // regression: serialport's poller lost "writable" while a read waited (docs/benchmarks.md), a
    // stall for good; a timeout far above any stall a loaded host makes keeps the check load-proof
    const big = generateWorkload(DEFAULT_PROFILE, { kind: 'relu', vectors: 3000, seed: 2 });
    await client.close();
    client = await connectClient(setup, { timeoutMs: 15_000, retries: 3 });
    await client.configure(OSA);
    await client.writeWeights(big.weights.data);
    const before = { ...client.stats };
    let vectors = 0;
    await streamBatches(client, matrixSource(big.vectors), {
      layout: resultLayout(client.capabilities, OSA),
      batchVectors: 1000,
      onBatch: (b) => void (vectors += b.count),
    });
    expect(vectors).toBe(3000);
    expect([client.stats.timeouts - before.timeouts, client.stats.resent - before.resent]).toEqual([0, 0]);
  });

  it('after the host disconnects, a new connection finds the same board by its identity', async () => {
    const before = client.identity;
    await client.close();
    client = await connectClient(setup);
    expect(client.identity).toEqual(before);
  });
});

describe.each(TRANSPORTS)('faults over %s', (kind) => {
  it('recovers from corrupted and lost lines in both directions: resends, and every result is right', async () => {
    const setup = await setupBoard(kind, { faults: parseFaultSpec('corrupt=0.04,drop=0.04,seed=3') });
    const client = new BoardClient(await setup.connect(), { clock: systemClock, timeoutMs: 200, retries: 8 });
    try {
      await client.connect();
      await runAndCheck(client, 1, 200);
      expect(client.stats.resent).toBeGreaterThan(0);
      expect(client.stats.corruptLines + client.stats.naks).toBeGreaterThan(0);
    } finally {
      await client.close();
      await setup.close();
    }
  });

  it('streams a vector set in double-buffered batches through lost and corrupted lines, none lost or repeated', async () => {
    const setup = await setupBoard(kind, { faults: parseFaultSpec('corrupt=0.02,drop=0.02,seed=11'), die: { vectorCapacity: 256 } });
    const client = new BoardClient(await setup.connect(), { clock: systemClock, timeoutMs: 200, retries: 8 });
    try {
      await client.connect();
      await client.configure(OSA);
      await client.writeWeights(workload.weights.data);
      const seen: StreamedBatch[] = [];
      await streamBatches(client, matrixSource(rowSlice(workload.vectors, 0, 300)), {
        layout: resultLayout(client.capabilities, OSA),
        batchVectors: 128, // the board holds 256: two batches, double-buffered
        onBatch: (b) => void seen.push(b),
      });
      expect(seen.map((b) => [b.batch, b.first, b.count])).toEqual([
        [1, 0, 128],
        [2, 128, 128],
        [3, 256, 44],
      ]);
      const expected = model.evaluate(workload.vectors, { mode: 'osa' });
      const wrong = seen.flatMap((b) => Array.from(b.results.digital).flatMap((d, i) => (d === expected.digital[b.first * 8 + i] ? [] : [b.first * 8 + i])));
      expect(wrong).toEqual([]);
    } finally {
      await client.close();
      await setup.close();
    }
  });

  it('reports a board that hangs with its link up as unresponsive, and fails what was queued', async () => {
    const setup = await setupBoard(kind, { faults: parseFaultSpec('hang-after=3') });
    const client = new BoardClient(await setup.connect(), { clock: systemClock, timeoutMs: 100, retries: 2 });
    try {
      await client.connect(); // lines 1-2
      await client.ping(); // line 3
      const lost = new Promise((resolve) => client.onLost((state) => resolve(state)));
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.ping()));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof BoardUnresponsiveError)).toBe(true);
      expect(await lost).toBe('unresponsive');
      await expect(client.ping()).rejects.toBeInstanceOf(BoardUnresponsiveError);
    } finally {
      await client.close();
      await setup.close();
    }
  });

  it('detects a disconnect and reconnects to the same identity', async () => {
    const setup = await setupBoard(kind, { faults: parseFaultSpec('disconnect-after=4') });
    // long enough for socat to notice a closed pty end (about 0.5 s) before the client gives up
    const client = new BoardClient(await setup.connect(), { clock: systemClock, timeoutMs: 500, retries: 3 });
    try {
      const { identity } = await client.connect();
      const lost = new Promise((resolve) => client.onLost((state) => resolve(state)));
      const err = await Promise.all([client.ping(), client.ping(), client.ping()]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BoardDisconnectedError);
      expect(await lost).toBe('closed');
      if (kind !== 'pty') {
        // a pty pair dies with its socat; over TCP or in-process the board is still there
        const again = new BoardClient(await setup.connect(), { clock: systemClock });
        expect((await again.connect()).identity).toEqual(identity);
        await again.close();
      }
    } finally {
      await client.close().catch(() => undefined);
      await setup.close();
    }
  });

  it('announces a reboot, after which the board has lost its weights', async () => {
    const setup = await setupBoard(kind, { faults: parseFaultSpec('reboot-after=4') });
    const client = await connectClient(setup); // lines 1-2
    try {
      const booted = new Promise((resolve) => client.onBoot(resolve));
      await client.writeWeights(workload.weights.data); // line 3 (one line holds all 256 rows)
      await client.ping(); // line 4; the board reboots before it reads line 5
      await client.ping();
      expect(await booted).toMatch(/^OSA-BENCH-SIM,SIM-0001,/);
      const err = await client.run(1, 0, 1).catch((e: unknown) => e);
      expect((err as BoardError).code).toBe(ERR.NOT_CONFIGURED);
      await runAndCheck(client, 2, 20);
    } finally {
      await client.close();
      await setup.close();
    }
  });

  it('aborts a long burst: the run answers ABORTED with the vectors done', async () => {
    // a 1 MHz clock: 2000 vectors x 50 repeats x 8 cycles = 0.8 s of burst
    const setup = await setupBoard(kind, { die: { profile: { clockMHz: 1 }, resultCapacity: 200000 } });
    const client = await connectClient(setup);
    try {
      await client.writeWeights(workload.weights.data);
      // ABORT goes out right behind RUN: the board reads it during the burst, whenever it arrives
      const run = client.run(1, 0, 2000, 50);
      await client.abort();
      const report = await run;
      expect(report.aborted).toBe(true);
      expect(report.vectors).toBeGreaterThanOrEqual(0);
      expect(report.vectors).toBeLessThan(100000);
    } finally {
      await client.close();
      await setup.close();
    }
  });
});

describe('duplicates and terminal mode (in-process, raw lines)', () => {
  async function raw() {
    const setup = await setupBoard('in-process');
    const transport = await setup.connect();
    const lines: string[] = [];
    const waiting: { done: () => boolean; resolve: () => void }[] = [];
    transport.onLine((l) => {
      lines.push(l);
      for (const w of waiting.filter((x) => x.done())) w.resolve();
    });
    // wait for the lines to come (the test's timeout bounds the wait)
    const until = async (done: () => boolean) => {
      if (!done()) await new Promise<void>((resolve) => waiting.push({ done, resolve }));
    };
    const next = async (n: number) => {
      await until(() => lines.length >= n);
      return lines.slice(0, n);
    };
    return { setup, transport, lines, next, until };
  }

  it('answers a resent request from its replay cache without executing it twice', async () => {
    const { setup, transport, next } = await raw();
    transport.send(encodeRequest(1, 'WGT', [0, 1, 'D', '1,2,3,4,5,6,7,8']));
    transport.send(encodeRequest(2, 'VEC', [0, 1, 'D', '9']));
    transport.send(encodeRequest(3, 'RUN', [7, 0, 1]));
    transport.send(encodeRequest(3, 'RUN', [7, 0, 1])); // the same frame again: a resend
    const [, , first, second] = await next(4);
    expect(second).toBe(first); // the same answer, noise and all: replayed, not re-run
    transport.send(encodeRequest(3, 'PING')); // the same seq with another body is a new request
    expect(parseBoardLine((await next(5))[4]!)).toMatchObject({ ok: true, value: { kind: 'ok', seq: 3 } });
    await setup.close();
  });

  it('executes the same request again in a new session: *IDN? clears the replay cache', async () => {
    const { setup, transport, next } = await raw();
    const run = encodeRequest(3, 'RUN', [7, 0, 1]);
    transport.send(encodeRequest(1, 'WGT', [0, 1, 'D', '1,2,3,4,5,6,7,8']));
    transport.send(encodeRequest(2, 'VEC', [0, 1, 'D', '200,100,50']));
    transport.send(run);
    transport.send(encodeRequest(0, '*IDN?')); // a new host connects
    transport.send(run); // the same line as before, from the new session
    const lines = await next(5);
    expect(lines[4]).not.toBe(lines[2]); // run again: another burst, another temperature and power reading
    expect(parseBoardLine(lines[4]!)).toMatchObject({ ok: true, value: { kind: 'ok', seq: 3 } });
    await setup.close();
  });

  it('lets a person work without seq or CRC after TERM ON', async () => {
    const { setup, transport, next } = await raw();
    for (const l of ['TERM ON', '*IDN?', 'WGT 0 1 D 1,1,1,1,1,1,1,1', 'VEC 0 1 D 3,2,1', 'RUN 1 0 1', 'RES? 1 0 1', 'FROB', 'TERM OFF', 'CFG MODE=dcim']) {
      transport.send(l);
    }
    const answers = await next(9);
    expect(answers[0]).toBe('OK TERM ON');
    expect(answers[1]).toMatch(/^OK OSA-BENCH-SIM,SIM-0001,1\.0\.0,sim[0-9a-f]{8},SIM-DIE-0001,1$/);
    expect(answers[4]).toMatch(/^OK BATCH=1 N=1 STATE=DONE US=0\.080 TEMP=/);
    // osa by default: saliency 0 is above every threshold, level 3; D:S:level:codes per output
    expect(answers[5]).toMatch(/^OK 1 0 1 D (0:0:3:[\d,]+;){7}0:0:3:[\d,]+$/);
    expect(answers[6]).toBe('ERR 1 unknown command FROB');
    expect(answers[7]).toBe('OK TERM OFF');
    expect(answers[8]).toMatch(/^- NAK no CRC\*/); // framed again
    for (const l of ['TERM ON', 'CFG MODE=dcim', 'RUN 2 0 1', 'RES? 2 0 1']) transport.send(l);
    // dcim: x = [3, 2, 1, 0, ...] against weights 1 on row 0 only: D = exact = 3 on every output
    expect((await next(13))[12]).toBe(`OK 2 0 1 D ${Array.from({ length: 8 }, () => '3:0:0:').join(';')}`);
    await setup.close();
  });

  it('NAKs an unreadable frame and survives random garbage', async () => {
    const { setup, transport, lines, until } = await raw();
    transport.send('12 PING*DEADBEEF');
    transport.send('\u0000\u00ff garbage ***');
    for (let k = 0; k < 50; k++) transport.send(String.fromCharCode(...Array.from({ length: 1 + ((k * 37) % 90) }, (_, i) => 32 + ((k * 31 + i * 17) % 95))));
    transport.send(encodeRequest(9, 'PING'));
    // every garbage line is answered or dropped, in order; the PING behind them is answered last
    const pong = encodeRequest(9, 'OK');
    await until(() => lines.includes(pong));
    expect(lines[0]).toMatch(/^- NAK CRC mismatch\*/);
    expect(lines.at(-1)).toBe(pong);
    await setup.close();
  });
});
