// The simulated board's firmware driven line by line on a fake clock: no transport, no timing.
import { describe, expect, it } from 'vitest';
import { parseDieConfig } from '../../drivers/sim/die-config';
import { SimFirmware } from '../../drivers/sim/firmware';
import { SimDie } from '../../drivers/sim/silicon';
import { encodeOk, encodeRequest, parseBoardLine } from '../../shared/protocol/frame';
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

describe('CFG', () => {
  const DEFAULT_REST = 'LEVELS=11:4,10:2,9:0,8:0 THR=-43008,-30720,-18432 SX=2';
  /** Lines typed at a terminal from reset; the answer to the last one. */
  const typed = (lines: string[]) => {
    const { ask } = firmware();
    ask('TERM ON');
    return lines.map((l) => ask(l).join('\n')).at(-1);
  };

  it.each([
    // B and T are checked in every mode, against BX+BW-1 = 15 and T <= B
    [['CFG B=30'], /^ERR 2 B \(boundary\) must be an integer in 0\.\.15 \(BX\+BW-1\), got 30$/],
    [['CFG MODE=dcim B=16'], /^ERR 2 B \(boundary\) must be an integer in 0\.\.15/],
    [['CFG MODE=acim T=16'], /^ERR 2 T \(skip\) must be an integer in 0\.\.15/],
    [['CFG B=4 T=5'], /^ERR 2 T \(skip\) must be an integer in 0\.\.4 \(B\), got 5$/],
    [['CFG B=99'], /^ERR 2 B: /],
    [['CFG MODE=hcim B=6 T=2', 'CFG MODE=osa B=1'], /^ERR 2 T \(skip\) must be an integer in 0\.\.1 \(B\), got 2$/],
    [['CFG MODE=hcim'], /^ERR 2 B \(boundary\): required for mode hcim$/],
    // the other keys name themselves as typed, not as the die model calls them
    [['CFG SX=9'], /^ERR 2 SX: must be in 0\.\.BX \(8\), got 9$/],
    [['CFG THR=3,2,1'], /^ERR 2 THR \(threshold 1\): must ascend/],
    [['CFG LEVELS=11:12,10:2,9:0,8:0'], /^ERR 2 LEVELS \(level 0, t\): must be <= boundary \(11\), got 12$/],
    [['CFG MODE=frob'], /^ERR 2 MODE: /],
    // accepted: B and T kept while another mode is in force, shown and used only in hcim
    [['CFG MODE=hcim B=15 T=15'], /^OK MODE=hcim B=15 T=15 LEVELS=/],
    [['CFG MODE=hcim B=6 T=2', 'CFG MODE=dcim'], new RegExp(`^OK MODE=dcim ${DEFAULT_REST}$`)],
    [['CFG MODE=hcim B=6 T=2', 'CFG MODE=dcim', 'CFG MODE=hcim'], new RegExp(`^OK MODE=hcim B=6 T=2 ${DEFAULT_REST}$`)],
    [['CFG MODE=hcim B=6 T=2', 'CFG MODE=acim', 'CFG?'], new RegExp(`^OK MODE=acim ${DEFAULT_REST}$`)],
    [['CFG B=5', 'CFG MODE=hcim'], new RegExp(`^OK MODE=hcim B=5 ${DEFAULT_REST}$`)],
  ])('%j answers %s', (lines, answer) => expect(typed(lines)).toMatch(answer));

  it('leaves the configuration as it was when it refuses one, and runs a mode that does not use the stored B', () => {
    const { ask } = firmware();
    ask('TERM ON');
    const hcim = ask('CFG MODE=hcim B=6 T=2');
    expect(ask('CFG B=30 T=1')[0]).toMatch(/^ERR 2 B/);
    expect(ask('CFG?')).toEqual(hcim);
    ask('WGT 0 1 D 1,1,1,1,1,1,1,1');
    ask('VEC 0 1 D 3,2,1');
    ask('CFG MODE=dcim');
    expect(ask('RUN 1 0 1')[0]).toMatch(/^OK BATCH=1 N=1 STATE=DONE/);
    expect(ask('RES? 1 0 1')).toEqual([`OK 1 0 1 D ${Array.from({ length: 8 }, () => '3:0:0:').join(';')}`]);
  });
});

describe('blank lines', () => {
  it.each([
    ['framed', false],
    ['terminal', true],
  ])('get no answer in %s mode: an empty line is not a line (a host would resend on a NAK for a stray LF)', (_, terminal) => {
    const { ask } = firmware();
    if (terminal) ask('TERM ON');
    for (const blank of ['', '\r', '   ', ' \t ']) expect(ask(blank)).toEqual([]);
    expect(ask(terminal ? 'PING' : encodeRequest(4, 'PING'))).toEqual([terminal ? 'OK' : encodeOk(4)]);
  });
});

describe('a bare *IDN? in framed mode', () => {
  it.each(['*IDN?', '*idn?', ' *IDN? \r'])('%j is answered with the plain identity, and the board stays framed', (typed) => {
    const { ask } = firmware();
    expect(ask(typed)).toEqual([expect.stringMatching(/^OK OSA-BENCH-SIM,SIM-0001,1\.0\.0,sim[0-9a-f]{8},SIM-DIE-0001,1$/)]);
    expect(ask('PING')[0]).toMatch(/^- NAK no CRC\*/);
    expect(ask(encodeRequest(1, 'PING'))).toEqual([encodeOk(1)]);
  });

  it('does not open a session: a resend after it is still answered from the replay cache', () => {
    const { ask } = firmware();
    const run = encodeRequest(3, 'RUN', [7, 0, 1]);
    ask(encodeRequest(1, 'WGT', [0, 1, 'D', '1,2,3,4,5,6,7,8']));
    const [first] = ask(run);
    ask('*IDN?');
    expect(ask(run)).toEqual([first]);
  });
});
