// Nothing a client sends can crash the server: random frames, random JSON, and random params for
// every method, after which the same connection still answers bench.info.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, RPC_ERRORS } from '../../shared/api/rpc';
import { RpcClient, startTestServer, type TestServer } from './server-fixture';

// methods that would start something on a board are fuzzed apart, with params that cannot be
// valid; ports.list takes no params and spawns udevadm (tested in protocol.test.ts)
const SAFE_METHODS = Object.keys(METHODS).filter((m) => !['run.start', 'procedure.start', 'ports.list'].includes(m));
const CODES = new Set<number>(Object.values(RPC_ERRORS));

describe('the engine server under random input', () => {
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

  /** Every answer is a JSON-RPC response with a known error code, or a result. */
  const wellFormed = (answer: unknown) => {
    for (const m of Array.isArray(answer) ? answer : [answer]) {
      expect(m).toMatchObject({ jsonrpc: '2.0' });
      const error = (m as { error?: { code: number } }).error;
      if (error) expect(CODES.has(error.code), JSON.stringify(error)).toBe(true);
    }
  };

  it('answers random frames with JSON-RPC errors and stays up', async () => {
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'bench.info', params: v })),
      fc.record({ jsonrpc: fc.oneof(fc.constant('2.0'), fc.string()), id: fc.jsonValue({ maxDepth: 1 }), method: fc.string() }).map((r) => JSON.stringify(r)),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        // a frame that happens to be a notification gets no answer: a probe follows each
        const seen = c.messages.length;
        c.ws.send(f);
        c.ws.send('{"jsonrpc":"2.0","id":"probe","method":"bench.info"}');
        await c.until(() => c.messages.slice(seen).some((m) => (m as { id?: unknown }).id === 'probe'));
        c.messages.slice(seen).forEach(wellFormed);
      }),
      { numRuns: 300 },
    );
    expect(await c.call('bench.info')).toMatchObject({ name: 'osa-bench' });
  });

  it('answers every method with random params, and stays up', async () => {
    const call = fc.record({
      method: fc.constantFrom(...SAFE_METHODS),
      params: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.record(
          {
            runId: fc.oneof(fc.integer(), fc.double(), fc.string()),
            run: fc.oneof(fc.integer(), fc.string()),
            fromSeq: fc.integer(),
            limit: fc.integer(),
            block: fc.integer(),
          },
          { requiredKeys: [] },
        ),
      ),
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 20 })),
    });
    await fc.assert(
      fc.asyncProperty(call, async ({ method, params, id }) => {
        const answer = await c.raw(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
        wellFormed(answer);
        expect((answer as { id: unknown }).id).toEqual(id);
      }),
      { numRuns: 300 },
    );
    // and with params that parse but name nothing that exists
    for (const method of ['run.start', 'procedure.start']) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (params) => {
          const answer = await c.raw(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
          wellFormed(answer);
          expect(answer).toHaveProperty('error');
        }),
        { numRuns: 100 },
      );
    }
    expect(await c.call('bench.info')).toMatchObject({ name: 'osa-bench', live: [] });
    expect(s.logs).toEqual([]); // no internal error on the way
  });
});
