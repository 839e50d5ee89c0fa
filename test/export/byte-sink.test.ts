// A sink onto a stream that closed under it (a download whose client hung up) refuses the next
// write at once: waiting for a 'drain' that never comes would keep the export reading the store.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writableSink } from '../../engine/export/byte-sink';

describe('a sink onto a closed stream', () => {
  it('refuses the next write instead of waiting for ever', async () => {
    const out = new PassThrough({ highWaterMark: 4 });
    const sink = writableSink(out);
    await sink.write('ok');
    expect(sink.bytes).toBe(2);
    out.destroy();
    await new Promise((r) => setImmediate(r)); // its 'close' has gone by
    await expect(sink.write(Buffer.alloc(64))).rejects.toThrow(/closed before the export was written/);
    expect(sink.bytes).toBe(2);
  });
});
