// The simulated board's firmware driven line by line on a fake clock: no transport, no timing.
import { describe, expect, it } from 'vitest';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { SimFirmware } from '../../drivers/sim/firmware';
import { SimDie } from '../../drivers/sim/silicon';
import { encodeRequest, parseBoardLine } from '../../shared/protocol/frame';
import { FakeClock } from '../support/fake-clock';

function firmware() {
  const clock = new FakeClock();
  const sent: string[] = [];
  const fw = new SimFirmware({ die: new SimDie(parseDieConfig({})), clock, send: (l) => sent.push(l) });
  /** Send one line; the answers it produced. */
  const ask = (line: string): string[] => {
    const before = sent.length;
    fw.receive(line);
    return sent.slice(before);
  };
  /** The fields of the OK answering a framed request. */
  const ok = (seq: number, verb: string, args: (string | number)[] = []): string[] => {
    const [answer] = ask(encodeRequest(seq, verb, args));
    const r = parseBoardLine(answer ?? '');
    if (!r.ok || r.value.kind !== 'ok') throw new Error(`${verb}: expected OK, got ${answer}`);
    return [...r.value.fields];
  };
  return { fw, clock, sent, ask, ok };
}

describe('BOOT?', () => {
  it('answers a boot id that is stable across requests and changes at every reboot', () => {
    const { fw, ok, ask } = firmware();
    const first = ok(1, 'BOOT?');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^[1-9]\d{0,9}$/);
    const id = Number(first[0]);
    expect(id).toBeGreaterThanOrEqual(1);
    expect(id).toBeLessThanOrEqual(0xffffffff);
    ok(2, 'CFG', ['MODE=dcim']);
    ok(3, 'RST'); // a reset is not a reboot
    expect(ok(4, 'BOOT?')).toEqual(first);
    const seen = [id];
    for (let k = 0; k < 5; k++) {
      fw.reboot();
      const next = Number(ok(5 + k, 'BOOT?')[0]);
      expect(next).not.toBe(seen.at(-1));
      seen.push(next);
    }
    expect(ask('TERM ON')).toEqual(['OK TERM ON']);
    expect(ask('boot?')).toEqual([`OK ${seen.at(-1)}`]);
  });
});
