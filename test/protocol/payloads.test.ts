import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../shared/model/profile';
import {
  allocateResultBlock,
  decodeInts,
  decodeResults,
  encodeInts,
  encodeResults,
  resultLayout,
  vectorFormat,
  weightFormat,
  type Encoding,
} from '../../shared/protocol/data-blocks';
import {
  formatCapabilities,
  formatIdentity,
  formatRunConfig,
  formatRunReport,
  parseCapabilities,
  parseIdentity,
  parseRunConfig,
  parseRunReport,
  type BoardCapabilities,
  type BoardRunConfig,
} from '../../shared/protocol/payloads';
import { stringMatching } from '../support/matchers';

const caps: BoardCapabilities = {
  rows: 256,
  outputs: 8,
  inputBits: 8,
  weightBits: 8,
  adcBits: 6,
  vectorCapacity: 1024,
  resultCapacity: 1024,
  window: 8,
  maxLine: 8192,
  clockMHz: 100,
};
const osa: BoardRunConfig = { mode: 'osa', levels: DEFAULT_PROFILE.levels, thresholds: DEFAULT_PROFILE.thresholds, salientInputBits: 2 };

describe('identity, capabilities, configuration, run report', () => {
  it('round-trip through their text forms', () => {
    const id = { vendor: 'OSA', serial: 'S-1', firmware: '1.0.0', bitstream: 'abc123', dieId: 'DIE-7', protocol: 1 };
    expect(parseIdentity([formatIdentity(id)])).toEqual({ ok: true, value: id });
    expect(parseCapabilities(formatCapabilities(caps))).toEqual({ ok: true, value: caps });
    expect(parseRunConfig(formatRunConfig(osa))).toEqual({ ok: true, value: { ...osa, boundary: undefined, skip: undefined } });
    const report = { batch: 9, vectors: 100, aborted: true, burstUs: 8, dieTempC: 31.5, railMw: { VDD_DIG: 1.5, VDD_ANA: 0.25, VDD_SRAM: 0.125 } };
    expect(parseRunReport(formatRunReport(report))).toEqual({ ok: true, value: report });
  });

  it('a CFG may set a few keys over a base configuration', () => {
    expect(parseRunConfig(['MODE=hcim', 'B=9'], osa)).toMatchObject({ ok: true, value: { mode: 'hcim', boundary: 9, levels: osa.levels } });
  });

  it.each([
    ['identity with 5 fields', () => parseIdentity(['A,B,C,D,E']), /6/],
    ['identity with a non-numeric protocol', () => parseIdentity(['A,B,C,D,E,x']), /protocol/],
    ['capabilities missing WIN', () => parseCapabilities(formatCapabilities(caps).filter((f) => !f.startsWith('WIN'))), /window/],
    [
      'capabilities with a bad value',
      () => parseCapabilities(formatCapabilities(caps).map((f) => (f.startsWith('ROWS') ? 'ROWS=lots' : f))),
      /rows: expected an integer/,
    ],
    ['a field without =', () => parseCapabilities(['ROWS']), /not KEY=value/],
    ['an unknown mode', () => parseRunConfig(['MODE=fast'], osa), /MODE/],
    ['an unknown key', () => parseRunConfig(['SPEED=3'], osa), /unknown configuration key\(s\) SPEED/],
    ['malformed levels', () => parseRunConfig(['LEVELS=11-4'], osa), /LEVELS: expected b:t/],
    [
      'a run report with a bad state',
      () =>
        parseRunReport(
          formatRunReport({ batch: 1, vectors: 1, aborted: false, burstUs: 1, dieTempC: 1, railMw: { VDD_DIG: 1, VDD_ANA: 1, VDD_SRAM: 1 } }).map((f) =>
            f.startsWith('STATE') ? 'STATE=MAYBE' : f,
          ),
        ),
      /STATE/,
    ],
  ])('refuses %s', (_, parse, error) => {
    const r = parse();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('integer blocks', () => {
  const formats = [vectorFormat(8), vectorFormat(12), weightFormat(8), weightFormat(16), weightFormat(3)];
  it('round-trip in B and D for every format', () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.constantFrom<Encoding>('B', 'D'), fc.integer({ min: 1, max: 40 }), fc.nat(), (f, enc, n, seed) => {
        const values = Int32Array.from({ length: n }, (_, k) => f.min + ((seed + k * 7919) % (f.max - f.min + 1)));
        expect(decodeInts(encodeInts(values, f, enc), enc, n, f)).toEqual({ ok: true, value: values });
      }),
    );
  });

  it.each([
    ['a short block', () => decodeInts('AQI=', 'B', 3, vectorFormat(8)), /2 bytes, expected 3/],
    ['bad base64', () => decodeInts('A!==', 'B', 1, vectorFormat(8)), /not valid base64/],
    ['a decimal out of range', () => decodeInts('1,300', 'D', 2, vectorFormat(8)), /value 1 \(300\) is outside 0..255/],
    ['too many decimals', () => decodeInts('1,2,3', 'D', 2, vectorFormat(8)), /3 values, expected 2/],
    ['a 16-bit weight beyond a 12-bit range', () => decodeInts(encodeInts([4095], weightFormat(16), 'B'), 'B', 1, weightFormat(12)), /outside -2048..2047/],
  ])('refuses %s', (_, parse, error) => {
    const r = parse();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('pads a short decimal vector with zeros only when asked (typing by hand)', () => {
    const r = decodeInts('5,6', 'D', 4, vectorFormat(8), true);
    expect(r).toEqual({ ok: true, value: Int32Array.from([5, 6, 0, 0]) });
  });
});

describe('result records', () => {
  const configs: BoardRunConfig[] = [osa, { ...osa, mode: 'hcim', boundary: 9, skip: 2 }, { ...osa, mode: 'dcim' }, { ...osa, mode: 'acim' }];
  it('round-trip in B and D for every mode', () => {
    fc.assert(
      fc.property(fc.constantFrom(...configs), fc.constantFrom<Encoding>('B', 'D'), fc.integer({ min: 1, max: 5 }), fc.nat(), (config, enc, count, seed) => {
        const layout = resultLayout(caps, config);
        const block = allocateResultBlock(0, count, 8, 64);
        for (let mac = 0; mac < count * 8; mac++) {
          const level = config.mode === 'osa' ? (seed + mac) % 4 : 0;
          block.level[mac] = level;
          block.digital[mac] = ((seed * 31 + mac * 977) % 200000) - 100000;
          block.saliency[mac] = config.mode === 'osa' ? 0 - mac * 1024 : 0;
          for (const p of layout.analogPlanes[level]!) block.codes[mac * 64 + p] = (seed + p + mac) % 64;
        }
        const back = decodeResults(encodeResults(block, 0, count, layout, enc), enc, 0, count, layout);
        expect(back).toEqual({ ok: true, value: block });
      }),
      { numRuns: 60 },
    );
  });

  it('refuses truncated, over-long and out-of-range records', () => {
    const layout = resultLayout(caps, osa);
    const block = allocateResultBlock(0, 2, 8, 64);
    block.codes.fill(0);
    const text = encodeResults(block, 0, 2, layout, 'B');
    const one = encodeResults(block, 0, 1, layout, 'B');
    expect(decodeResults(one, 'B', 0, 2, layout)).toMatchObject({ ok: false, error: stringMatching(/truncated at vector 1/) });
    expect(decodeResults(text, 'B', 0, 1, layout)).toMatchObject({ ok: false, error: stringMatching(/bytes after the last record/) });
    expect(decodeResults('0:0:7:', 'D', 0, 1, { ...layout, outputs: 1 })).toMatchObject({ ok: false, error: stringMatching(/malformed record/) });
    const codes = Array.from({ length: layout.analogPlanes[0]!.length }, () => 99).join(',');
    expect(decodeResults(`0:0:0:${codes}`, 'D', 0, 1, { ...layout, outputs: 1 })).toMatchObject({ ok: false, error: stringMatching(/code 99 outside 0..63/) });
  });

  it('never throws on garbage', () => {
    const layout = resultLayout(caps, osa);
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.constantFrom<Encoding>('B', 'D'), (s, enc) => void decodeResults(s, enc, 0, 2, layout)));
  });
});
