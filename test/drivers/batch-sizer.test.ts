// Batches sized by link time: about a second of link each at any baud rate, within the board's memory.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchSizer } from '../../drivers/client/batch-stream';

describe('BatchSizer', () => {
  it('starts small, stays within [1, max], grows at most 4-fold per batch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65536 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 65536 }), fc.double({ min: 0, max: 1e6, noNaN: true })), { maxLength: 30 }),
        (max, batches) => {
          const sizer = new BatchSizer(1, max);
          expect(sizer.next).toBe(Math.min(16, max));
          for (const [vectors, ms] of batches) {
            const before = sizer.next;
            sizer.observe(vectors, ms);
            expect(sizer.next).toBeGreaterThanOrEqual(1);
            expect(sizer.next).toBeLessThanOrEqual(max);
            expect(sizer.next).toBeLessThanOrEqual(before * 4);
          }
        },
      ),
    );
  });

  it.each([
    // vectors per second of link time, batch seconds, the size it settles at
    [30, 1, 30], // 115200 baud: about 30 vectors a second
    [900, 1, 900], // 3 Mbaud
    [900, 0.5, 450],
    [1e6, 1, 32768], // an unpaced link: bounded by the board's memory
  ])('at %i vectors/s and %i s a batch, settles at %i vectors', (rate, seconds, settled) => {
    const sizer = new BatchSizer(seconds, 32768);
    for (let i = 0; i < 20; i++) sizer.observe(sizer.next, (sizer.next / rate) * 1000);
    expect(sizer.next).toBe(settled);
  });
});
