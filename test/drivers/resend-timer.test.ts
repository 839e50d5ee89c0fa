// The adaptive resend timeout (docs/protocol.md, "Delivery", rule 4): a request whose answer is
// overdue by the measured round-trip time is resent early, while the board is declared
// unresponsive on the same absolute silence as before. Fake clock, scripted board.
import { describe, expect, it } from 'vitest';
import { BoardUnresponsiveError } from '../../drivers/client/errors';
import { RequestPipe, RoundTripTimer, type RequestPipeOptions } from '../../drivers/client/request-pipe';
import { inProcessPair } from '../../drivers/transport/in-process';
import { encodeNak, encodeOk, parseRequestLine } from '../../shared/protocol/frame';
import { FakeClock, runFor, turn } from '../support/fake-clock';

/** What the board does with the n-th line it receives (from 0): answer after `ms`, garble its answer, or lose it. */
type Reply = { ms: number } | 'garbled' | 'lost';

/**
 * A board that answers as `script(n, verb)` says; an answer to a copy of a request it already
 * answered is the same answer (its cache). Notes when each line arrived. On a `lossy` link
 * (early resends are for links that lose lines) the very first line is NAKed, before the script
 * and its count start.
 */
function scripted(script: (n: number, verb: string) => Reply, options: Partial<RequestPipeOptions> = {}, lossy = true) {
  const clock = new FakeClock();
  const { host, board } = inProcessPair();
  const arrivals: { at: number; verb: string; seq: number }[] = [];
  let history = lossy;
  board.onLine((line) => {
    const r = parseRequestLine(line);
    if (!r.ok) return;
    if (history) {
      history = false;
      board.send(encodeNak('CRC mismatch'));
      return;
    }
    const reply = script(arrivals.length, r.value.verb);
    arrivals.push({ at: clock.now(), verb: r.value.verb, seq: r.value.seq });
    const answer = encodeOk(r.value.seq, [r.value.verb, ...r.value.args]);
    if (reply === 'garbled') board.send(answer.replace(r.value.verb, r.value.verb.toLowerCase()));
    else if (reply !== 'lost') clock.setTimeout(() => board.send(answer), reply.ms);
  });
  const pipe = new RequestPipe(host, { clock, timeoutMs: 500, retries: 3, ...options });
  return { clock, pipe, arrivals };
}

/** Send `count` PINGs one after another, each answered as the board's script says (on a lossy link the first is resent once: `resent` counts it, and it is not timed). */
async function pings(pipe: RequestPipe, clock: FakeClock, count: number, msEach: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const answer = pipe.request('PING');
    await runFor(clock, msEach + 3);
    await answer;
  }
}

/** RFC 6298 over equal samples of `r` ms: the RTO after `n` of them. */
function rfcRto(r: number, n: number): number {
  let srtt = r;
  let rttvar = r / 2;
  for (let i = 1; i < n; i++) {
    rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
    srtt = 0.875 * srtt + 0.125 * r;
  }
  return srtt + 4 * rttvar;
}

describe('round-trip timer', () => {
  it('has no RTO before a round trip is measured, then SRTT + 4 RTTVAR within its floor and ceiling', () => {
    const t = new RoundTripTimer(50, 500);
    expect(t.rto(100)).toBeNull();
    t.sample(100, 40);
    expect(t.rto(100)).toBe(120); // 40 + 4 x 20
    for (let i = 0; i < 30; i++) t.sample(100, 2);
    expect(t.rto(100)).toBe(50); // the floor
    const slow = new RoundTripTimer(50, 500);
    slow.sample(100, 300);
    expect(slow.rto(100)).toBe(500); // the ceiling
  });

  it('times exchanges by size: a larger one than any measured has no RTO, a smaller one borrows the nearest larger class', () => {
    const t = new RoundTripTimer(10, 5000);
    t.sample(8200, 700); // an 8 KB line at 115200 baud
    t.sample(60, 12); // a short one
    expect(t.rto(60)).toBe(36);
    expect(t.rto(8000)).toBe(2100);
    expect(t.rto(3000)).toBe(2100); // between: no faster than the larger exchange
    expect(t.rto(20_000)).toBeNull();
  });
});

describe('adaptive resend', () => {
  it('does not resend early on a link that loses nothing: a board slower than the RTO gets no copies', async () => {
    const { clock, pipe, arrivals } = scripted((n) => (n === 5 ? 'lost' : { ms: n < 4 ? 0 : 300 }), {}, false);
    await pings(pipe, clock, 4, 0);
    expect(pipe.roundTrips.rto(35)).toBe(50);
    let sent = clock.now();
    const slow = pipe.request('PING');
    await runFor(clock, 301);
    expect(await slow).toEqual(['PING']);
    sent = clock.now();
    const lost = pipe.request('PING');
    await runFor(clock, 801);
    await lost;
    expect(arrivals.slice(5).map((a) => a.at - sent)).toEqual([0, 500]);
    expect(pipe.stats).toMatchObject({ resent: 1, earlyResends: 0, timeouts: 1 });
  });

  it('resends a request lost on a quick link after the measured RTO, not the whole timeout', async () => {
    // four answers at once, then the fifth request is lost once
    const { clock, pipe, arrivals } = scripted((n) => (n === 4 ? 'lost' : { ms: 0 }));
    await pings(pipe, clock, 4, 0);
    const sent = clock.now();
    const answer = pipe.request('PING');
    await runFor(clock, 100);
    expect(await answer).toEqual(['PING']);
    expect(arrivals.slice(4).map((a) => a.at - sent)).toEqual([0, 50]); // the 50 ms floor (before: 500)
    expect(pipe.stats).toMatchObject({ resent: 1 + 1, earlyResends: 1, timeouts: 0 });
  });

  it('follows the measured round-trip time: SRTT + 4 RTTVAR', async () => {
    const { clock, pipe, arrivals } = scripted((n) => (n === 8 ? 'lost' : { ms: 100 }));
    await pings(pipe, clock, 8, 100);
    const sent = clock.now();
    const answer = pipe.request('PING');
    await runFor(clock, 400);
    await answer;
    const resentAfter = (arrivals[9] as { at: number }).at - sent;
    expect(Math.abs(resentAfter - rfcRto(100, 7))).toBeLessThanOrEqual(1); // about 136 ms
    expect(pipe.stats).toMatchObject({ resent: 1 + 1, earlyResends: 1, timeouts: 0 });
  });

  it('waits the whole timeout for an exchange it has not timed: a verb never answered, a line longer than any timed', async () => {
    const { clock, pipe, arrivals } = scripted((n) => (n === 4 || n === 6 ? 'lost' : { ms: 0 }));
    await pings(pipe, clock, 4, 0);
    let sent = clock.now();
    let answer = pipe.request('NEW');
    await runFor(clock, 600);
    await answer;
    expect(arrivals.slice(4).map((a) => a.at - sent)).toEqual([0, 500]);
    sent = clock.now();
    answer = pipe.request('PING', ['x'.repeat(2000)]);
    await runFor(clock, 600);
    await answer;
    expect(arrivals.slice(6).map((a) => a.at - sent)).toEqual([0, 500]);
    expect(pipe.stats).toMatchObject({ resent: 1 + 2, earlyResends: 0, timeouts: 2 });
  });

  it('only times requests answered at their first try (Karn), and none held up by a burst', async () => {
    // answers take 100 ms; the fifth request's first copy is lost
    const { clock, pipe } = scripted((n, verb) => (n === 4 ? 'lost' : { ms: verb === 'RUN' ? 400 : 100 }));
    await pings(pipe, clock, 4, 100);
    const rto = pipe.roundTrips.rto(35); // a PING and its answer
    expect(rto).toBeCloseTo(rfcRto(100, 3), 6);
    const resent = pipe.request('PING'); // answered about RTO + 100 ms after it was first sent
    await runFor(clock, 400);
    await resent;
    const run_ = pipe.request('RUN', [], 300); // answered after 400 ms, its burst 300 of them
    await runFor(clock, 450);
    await run_;
    expect(pipe.stats).toMatchObject({ earlyResends: 1 });
    expect(pipe.roundTrips.rto(35)).toBe(rto);
  });

  it('gives a board slower than the RTO early resends it answers from its cache, and never condemns it', async () => {
    // quick at first, then each answer takes 300 ms; one request at a time (the window is 1)
    const { clock, pipe, arrivals } = scripted((n) => ({ ms: n < 4 ? 0 : 300 }));
    await pings(pipe, clock, 4, 0);
    const answers = [pipe.request('PING', [1]), pipe.request('PING', [2]), pipe.request('PING', [3])];
    await runFor(clock, 3000);
    expect(await Promise.all(answers)).toEqual([
      ['PING', '1'],
      ['PING', '2'],
      ['PING', '3'],
    ]);
    expect(pipe.stats.earlyResends).toBeGreaterThan(0);
    expect(pipe.stats.duplicates).toBeGreaterThan(0); // the answers to the copies, dropped
    expect(pipe.stats.timeouts).toBe(0);
    expect(pipe.currentState).toBe('open');
    expect(arrivals.length).toBeGreaterThan(4 + 3);
  });

  it('takes the answer to a request resent early as a gap only among requests sent before its first copy', async () => {
    // three requests in flight, each answered 300 ms after it arrives: the early resends are needless
    const { clock, pipe } = scripted((n) => ({ ms: n < 4 ? 0 : 300 }));
    await pings(pipe, clock, 4, 0);
    pipe.window = 3;
    const answers = [pipe.request('PING', [1]), pipe.request('PING', [2]), pipe.request('PING', [3])];
    await runFor(clock, 400);
    expect(await Promise.all(answers)).toEqual([
      ['PING', '1'],
      ['PING', '2'],
      ['PING', '3'],
    ]);
    // the first two resent early (at 50 and 150 ms); the answers to their first copies do not
    // make the requests sent after them look lost
    expect(pipe.stats).toMatchObject({ resent: 1 + 2, earlyResends: 2, timeouts: 0 });
  });

  it('still does not condemn a board slower than the timeout itself', async () => {
    const { clock, pipe } = scripted((n) => ({ ms: n < 4 ? 0 : 1200 }));
    await pings(pipe, clock, 4, 0);
    const answer = pipe.request('PING');
    await runFor(clock, 1300);
    expect(await answer).toEqual(['PING']);
    // copies at 50, 150, 350 (early) and 500 (the timeout); the first answer at 1200, before the next timeout at 1500
    expect(pipe.stats).toMatchObject({ earlyResends: 3, timeouts: 1 });
    expect(pipe.currentState).toBe('open');
  });

  it('declares a board that falls silent unresponsive at the same moment as without early resends', async () => {
    const { clock, pipe } = scripted((n) => (n < 4 ? { ms: 0 } : 'lost'));
    await pings(pipe, clock, 4, 0);
    const sent = clock.now();
    let failedAt = -1;
    const answer = pipe.request('PING').catch((e: unknown) => {
      failedAt = clock.now();
      return e;
    });
    await runFor(clock, 6000);
    expect(await answer).toBeInstanceOf(BoardUnresponsiveError);
    // 500 + 1000 + 2000 + 2000 ms of silence, as before
    expect(failedAt - sent).toBe(5500);
    expect(pipe.stats.timeouts).toBe(4);
    expect(pipe.stats.earlyResends).toBeGreaterThan(0);
  });

  it('does not let early resends end a storm of garbled answers sooner: only resends at a timeout count towards maxResends', async () => {
    const { clock, pipe } = scripted((n) => (n < 4 ? { ms: 0 } : 'garbled'), { maxResends: 4 });
    await pings(pipe, clock, 4, 0);
    const sent = clock.now();
    let failedAt = -1;
    const answer = pipe.request('PING').catch((e: unknown) => {
      failedAt = clock.now();
      return e;
    });
    await runFor(clock, 5000);
    const err = await answer;
    expect(err).toBeInstanceOf(BoardUnresponsiveError);
    expect((err as Error).message).toMatch(/PING resent 4 times, last for no answer in 1000 ms/);
    // resends at 500, then every 1000 ms (a garbled answer is a sign of life: the backoff goes no further)
    expect(failedAt - sent).toBe(500 + 4 * 1000);
    expect(pipe.stats.earlyResends).toBeGreaterThan(0);
  });

  it('does not resend early when its timer fires late because the host stood still: the answer waits unread', async () => {
    const { clock, pipe } = scripted((n) => ({ ms: n < 4 ? 0 : 30 }));
    await pings(pipe, clock, 4, 0);
    const answer = pipe.request('PING');
    await turn(); // the request reaches the board
    clock.stall(200); // its answer (due at 30 ms) and the resend timer (due at 50 ms) both fire late
    await runFor(clock, 5);
    expect(await answer).toEqual(['PING']);
    expect(pipe.stats).toMatchObject({ resent: 1 + 0, earlyResends: 0, timeouts: 0, hostStalls: 0 });
  });

  it('resends once pending input is read if its timer fired late and the board is still quiet', async () => {
    const { clock, pipe, arrivals } = scripted((n) => (n === 4 ? 'lost' : { ms: 0 }));
    await pings(pipe, clock, 4, 0);
    const sent = clock.now();
    const answer = pipe.request('PING');
    await turn();
    clock.stall(200); // the resend timer (due at 50 ms) fires late
    await runFor(clock, 5);
    expect(await answer).toEqual(['PING']);
    expect(arrivals.slice(4).map((a) => a.at - sent)).toEqual([0, 201]); // one loop turn later, not after another RTO
    expect(pipe.stats).toMatchObject({ resent: 1 + 1, earlyResends: 1, timeouts: 0 });
  });
});
