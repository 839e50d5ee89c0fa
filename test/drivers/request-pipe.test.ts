// The request pipe's resend rules on a fake clock, against a scripted board: resends on a noisy
// but working link never condemn the board; silence backs off and does; a NAK storm ends.
import { describe, expect, it } from 'vitest';
import { BoardUnresponsiveError } from '../../drivers/client/errors';
import { RequestPipe, type RequestPipeOptions } from '../../drivers/client/request-pipe';
import { inProcessPair } from '../../drivers/transport/in-process';
import { encodeNak, encodeOk, parseRequestLine } from '../../shared/protocol/frame';
import { FakeClock, runFor } from '../support/fake-clock';

type Reply = 'silence' | 'nak' | 'garbled' | 'ok';

/** A board that answers the n-th line it receives (from 0) as `script(n)` says, and notes when each arrived. */
function scripted(script: (n: number) => Reply, options: Partial<RequestPipeOptions> = {}) {
  const clock = new FakeClock();
  const { host, board } = inProcessPair();
  const arrivals: number[] = [];
  board.onLine((line) => {
    const r = parseRequestLine(line);
    if (!r.ok) return;
    const reply = script(arrivals.length);
    arrivals.push(clock.now());
    if (reply === 'nak') board.send(encodeNak('CRC mismatch'));
    if (reply === 'garbled') board.send(encodeOk(r.value.seq, ['PONG']).replace('PONG', 'P0NG'));
    if (reply === 'ok') board.send(encodeOk(r.value.seq, ['PONG']));
  });
  const pipe = new RequestPipe(host, { clock, timeoutMs: 500, retries: 3, ...options });
  return { clock, pipe, arrivals };
}

describe('request pipe resends', () => {
  it('keeps resending a request that a noisy link garbles again and again, while the board answers', async () => {
    const { clock, pipe } = scripted((n) => (n < 12 ? 'nak' : 'ok'));
    const answer = pipe.request('PING');
    await runFor(clock, 10);
    expect(await answer).toEqual(['PONG']);
    expect(pipe.stats).toMatchObject({ resent: 12, naks: 12, timeouts: 0 });
    expect(pipe.currentState).toBe('open');
  });

  it('ends a NAK storm: a request resent maxResends times fails, with everything behind it', async () => {
    const { clock, pipe } = scripted(() => 'nak');
    const answers = [pipe.request('PING'), pipe.request('PING')].map((p) => p.catch((e: unknown) => e));
    await runFor(clock, 10);
    const [first, second] = await Promise.all(answers);
    expect(first).toBeInstanceOf(BoardUnresponsiveError);
    expect((first as Error).message).toMatch(/PING resent 32 times, last for NAK CRC mismatch/);
    expect(second).toBe(first);
    expect(pipe.stats.resent).toBe(32);
    expect(pipe.currentState).toBe('unresponsive');
  });

  it('backs off on silence, doubling the timeout up to its cap, and gives up after retries + 1 silent timeouts', async () => {
    const { clock, pipe, arrivals } = scripted(() => 'silence');
    const answer = pipe.request('PING').catch((e: unknown) => e);
    await runFor(clock, 6000);
    // timeouts of 500, 1000, 2000, then 2000 (the cap, 4 x 500)
    expect(arrivals).toEqual([0, 500, 1500, 3500]);
    const err = await answer;
    expect(err).toBeInstanceOf(BoardUnresponsiveError);
    expect((err as Error).message).toMatch(/nothing heard for 4 timeouts in a row, the last of 2000 ms/);
    expect(pipe.stats.timeouts).toBe(4);
  });

  it('resets the backoff when the board is heard again', async () => {
    const { clock, pipe, arrivals } = scripted((n) => (n === 0 || n === 1 || n === 3 ? 'silence' : 'ok'));
    const first = pipe.request('PING');
    await runFor(clock, 1600);
    await first;
    const second = pipe.request('PING');
    await runFor(clock, 600);
    await second;
    // the first request's copies at 0, 500 (after 500), 1500 (after 1000); the second, sent at
    // 1600, is resent after 500 again, not 2000
    expect(arrivals).toEqual([0, 500, 1500, 1600, 2100]);
  });

  it('takes a NAK or a garbled answer as a sign of life: more silent timeouts in all than retries + 1, never that many in a row', async () => {
    // per copy: silence, silence, garbled answer, silence, silence, NAK, silence, silence, answer
    const replies: Reply[] = ['silence', 'silence', 'garbled', 'silence', 'silence', 'nak', 'silence', 'silence', 'ok'];
    const { clock, pipe } = scripted((n) => replies[n] ?? 'ok');
    const answer = pipe.request('PING');
    await runFor(clock, 12_000);
    expect(await answer).toEqual(['PONG']);
    expect(pipe.stats.timeouts).toBe(7);
    expect(pipe.stats.resent).toBe(8);
    expect(pipe.currentState).toBe('open');
  });

  it('does not let requests queued behind a silent board push its deadline back', async () => {
    const { clock, pipe } = scripted(() => 'silence');
    const failed: unknown[] = [];
    pipe.request('PING').catch((e: unknown) => failed.push(e));
    // a caller that keeps queueing, every 300 ms, faster than the timeout
    for (let t = 0; t < 8000 && failed.length === 0; t += 300) {
      pipe.request('PING').catch((e: unknown) => failed.push(e));
      await runFor(clock, 300);
    }
    expect(failed[0]).toBeInstanceOf(BoardUnresponsiveError);
    expect(clock.now()).toBeLessThanOrEqual(6000); // 500 + 1000 + 2000 + 2000 of silence
  });

  it('reports each round trip, with its failures, to the line budget, and counts the bytes resent', async () => {
    const { clock, pipe } = scripted((n) => (n % 2 === 0 ? 'nak' : 'ok'));
    await Promise.all([pipe.request('PING'), pipe.request('PING'), pipe.request('PING')]);
    await runFor(clock, 5);
    expect(pipe.lineBudget.roundTrips).toBe(3);
    expect(pipe.lineBudget.retried).toBe(3);
    expect(pipe.lineBudget.estimate.perLine + pipe.lineBudget.estimate.perByte).toBeGreaterThan(0);
    const line = 'N PING*XXXXXXXX\n'.length; // one-digit seq
    expect(pipe.volume).toEqual({ bytesSent: 6 * line, bytesResent: 3 * line });
  });
});
