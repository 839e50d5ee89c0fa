// @vitest-environment happy-dom
// Plot redraws spread over frames: a commit that changes every plot draws them over the next
// frames within a time budget each, the newest spec of a plot only, in the order they were asked for.
import { describe, expect, it } from 'vitest';
import { DrawQueue } from '../../renderer/src/charts/draw-queue';
import { FakeFrames } from './support/fake-frames';

/** Frames where each draw takes `ms` of the clock. */
function setup(ms: number, budget = 6) {
  const frames = new FakeFrames();
  const queue = new DrawQueue(frames, budget);
  const drawn: string[][] = [];
  let frame: string[] = [];
  const draw = (what: string) => () => {
    frames.t += ms;
    frame.push(what);
  };
  const next = () => {
    frame = [];
    frames.advance(16);
    drawn.push(frame);
  };
  return { queue, draw, next, drawn };
}

describe('DrawQueue', () => {
  it('draws nothing in the commit’s own frame, then as many plots a frame as its budget allows (one at least)', () => {
    const { queue, draw, next, drawn } = setup(4);
    const keys = Array.from({ length: 7 }, () => ({}));
    keys.forEach((k, i) => queue.schedule(k, draw(`p${i}`)));
    expect(queue.size).toBe(7);
    for (let f = 0; f < 5; f++) next();
    // 4 ms a draw, 6 ms a frame: two draws a frame
    expect(drawn).toEqual([['p0', 'p1'], ['p2', 'p3'], ['p4', 'p5'], ['p6'], []]);
    expect(queue.size).toBe(0);
  });

  it('draws a plot that takes longer than the budget alone in its frame', () => {
    const { queue, draw, next, drawn } = setup(30);
    queue.schedule({}, draw('a'));
    queue.schedule({}, draw('b'));
    next();
    next();
    expect(drawn).toEqual([['a'], ['b']]);
  });

  it('draws only the newest of a plot asked for again, in its first place', () => {
    const { queue, draw, next, drawn } = setup(10);
    const [a, b] = [{}, {}];
    queue.schedule(a, draw('a1'));
    queue.schedule(b, draw('b1'));
    queue.schedule(a, draw('a2'));
    next();
    next();
    next();
    expect(drawn).toEqual([['a2'], ['b1'], []]);
  });

  it('forgets a cancelled plot, and a draw that throws does not hold up the others', () => {
    const { queue, draw, next, drawn } = setup(1);
    const [a, b, c] = [{}, {}, {}];
    queue.schedule(a, draw('a'));
    queue.schedule(b, () => {
      throw new Error('no canvas');
    });
    queue.schedule(c, draw('c'));
    queue.cancel(a);
    expect(next).toThrow('no canvas');
    next();
    expect(drawn.at(-1)).toEqual(['c']);
    expect(queue.size).toBe(0);
  });
});
