// JSON-RPC 2.0 as the engine speaks it: every failure an error object, the connection still up;
// and each method against the real Bench.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_ERRORS } from '../../shared/api/rpc';
import { RpcCallError, RpcClient, SMALL_RUN, startTestServer, type TestServer } from './server-fixture';

describe('the engine server: JSON-RPC', () => {
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

  const stillUp = async () => expect(await c.call('bench.info')).toMatchObject({ name: 'osa-bench' });

  it('answers malformed JSON with a parse error, id null', async () => {
    expect(await c.raw('{"jsonrpc": "2.0", "id": 1, "method": ')).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: RPC_ERRORS.PARSE } });
    await stillUp();
  });

  it('answers what is not a request INVALID_REQUEST, with its id when it had one', async () => {
    expect(await c.raw('{"id": 7, "method": "bench.info"}')).toMatchObject({ id: 7, error: { code: RPC_ERRORS.INVALID_REQUEST } });
    expect(await c.raw('42')).toMatchObject({ id: null, error: { code: RPC_ERRORS.INVALID_REQUEST } });
    expect(await c.raw('[]')).toMatchObject({ id: null, error: { code: RPC_ERRORS.INVALID_REQUEST } });
    expect(await c.raw(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"bench.info"}'), true)).toMatchObject({
      error: { code: RPC_ERRORS.INVALID_REQUEST, message: /text frames/ },
    });
    await stillUp();
  });

  it('answers an unknown method METHOD_NOT_FOUND, whatever its name', async () => {
    for (const method of ['no.such', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect((await c.request(method)).error).toMatchObject({ code: RPC_ERRORS.METHOD_NOT_FOUND });
    }
    await stillUp();
  });

  it('answers bad params INVALID_PARAMS naming the field', async () => {
    const bad = await c.request('run.start', { ...SMALL_RUN, workload: { kind: 'relu', vectors: -1 } });
    expect(bad.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'workload.vectors' } });
    expect((await c.request('run.subscribe', { runId: 'one' })).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'runId' } });
    expect((await c.request('runs.list', [1, 2])).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: '(params)' } });
    // the bench's own refusal of the options, by field (a FieldError)
    expect((await c.request('run.start', { board: 'sim', mode: 'osa' })).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'vectorsFile' } });
    await stillUp();
  });

  it('answers a message over 1 MiB TOO_LARGE and stays up', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'runs.note', params: { run: 1, text: 'x'.repeat(1024 * 1024) } });
    expect(await c.raw(big)).toMatchObject({ id: null, error: { code: RPC_ERRORS.TOO_LARGE } });
    await stillUp();
  });

  it('answers nothing to a notification, and a batch with an array', async () => {
    c.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'bench.info' }));
    const seen = c.messages.length;
    await stillUp();
    expect(c.messages.length).toBe(seen + 1); // only bench.info's answer
    const batch = await c.raw(
      JSON.stringify([
        { jsonrpc: '2.0', id: 'a', method: 'bench.info' },
        { jsonrpc: '2.0', method: 'bench.info' },
        { jsonrpc: '2.0', id: 'b', method: 'nope' },
      ]),
    );
    expect(batch).toEqual([
      expect.objectContaining({ id: 'a', result: expect.objectContaining({ name: 'osa-bench' }) as unknown }),
      expect.objectContaining({ id: 'b', error: expect.objectContaining({ code: RPC_ERRORS.METHOD_NOT_FOUND }) as unknown }),
    ]);
  });

  it('refuses what the bench cannot do (an unknown run) REFUSED', async () => {
    for (const [method, params] of [
      ['runs.get', { run: 999 }],
      ['runs.tag', { run: 999, add: ['x'] }],
      ['run.pause', { runId: 999 }],
      ['run.subscribe', { runId: 999 }],
      ['run.read', { runId: 999 }],
      ['run.batchData', { runId: 999, block: 0 }],
    ] as const) {
      expect((await c.request(method, params)).error, method).toMatchObject({ code: RPC_ERRORS.REFUSED, message: /999/ });
    }
  });

  it('identifies the simulated board', async () => {
    expect(await c.call('board.info', { board: 'sim' })).toMatchObject({
      address: 'sim',
      identity: { dieId: expect.any(String) as unknown },
      capabilities: expect.any(Object) as unknown,
    });
    // listing serial ports needs udevadm: a list, or a refusal that says so
    const ports = await c.request('ports.list');
    if (ports.error) expect(ports.error).toMatchObject({ code: RPC_ERRORS.REFUSED, message: /serial ports/ });
    else expect(Array.isArray(ports.result)).toBe(true);
  });

  it('runs a run, then lists, tags, notes, reads it and its arrays', async () => {
    const { runId, guid } = await c.call('run.start', SMALL_RUN);
    await c.call('run.subscribe', { runId });
    const stop = await c.stopOf(runId);
    expect(stop).toMatchObject({ type: 'stop', state: 'completed' });
    expect((await c.call('runs.list', {}))[0]).toMatchObject({ id: runId, guid, state: 'completed' });
    expect(await c.call('runs.get', { run: guid.slice(0, 8) })).toMatchObject({ id: runId, vectorsDone: 1000 });
    expect(await c.call('runs.tag', { run: runId, add: ['a', 'b'] })).toMatchObject({ tags: ['a', 'b'] });
    expect(await c.call('runs.tag', { run: runId, remove: ['a'] })).toMatchObject({ tags: ['b'] });
    expect((await c.call('runs.list', { tag: 'b' })).map((r) => r.id)).toEqual([runId]);
    expect((await c.call('runs.note', { run: runId, text: 'looks fine' })).notes).toMatchObject([{ text: 'looks fine' }]);

    // the store read back, in pages, batches without their arrays
    const first = await c.call('run.read', { runId, limit: 3 });
    expect(first.documents.map((d) => d.type)).toEqual(['start', 'descriptor', 'batch']);
    expect(first.next).toBe(3);
    const rest = await c.call('run.read', { runId, fromSeq: 3 });
    expect(rest.next).toBeNull();
    const read = [...first.documents, ...rest.documents];
    expect(read.map((d) => d.seq)).toEqual(read.map((_, i) => i));
    expect(read.filter((d) => d.type === 'batch')).toHaveLength(5);
    expect(read.at(-1)).toMatchObject({ type: 'stop', state: 'completed' });
    for (const d of read) expect(d).not.toHaveProperty('data');

    // one block's arrays, as little-endian bytes in base64
    const block = await c.call('run.batchData', { runId, block: 1 });
    expect(block).toMatchObject({ runId, block: 1, firstVector: 200, vectors: 200, outputs: 8, planes: 64 });
    const macs = 200 * 8;
    const codes = Buffer.from(block.arrays.codes.base64, 'base64');
    expect(block.arrays.codes).toMatchObject({ dtype: 'int16', length: macs * 64 });
    expect(codes.length).toBe(macs * 64 * 2);
    const digital = new Float64Array(new Uint8Array(Buffer.from(block.arrays.digital.base64, 'base64')).buffer);
    expect(digital).toHaveLength(macs);
    expect(digital.every((v) => Number.isInteger(v))).toBe(true);
    expect(Buffer.from(block.arrays.level.base64, 'base64').length).toBe(macs);
  });

  it('refuses a block that is not there', async () => {
    const runs = await c.call('runs.list', {});
    const err = await c.call('run.batchData', { runId: runs[0]!.id, block: 99 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcCallError);
    expect((err as RpcCallError).error).toMatchObject({ code: RPC_ERRORS.REFUSED, message: /no committed block 99/ });
  });
});
