import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, parseBoardDieProfile, parseDieProfile, parseDieProfileJson, protocolFitIssues } from '../../shared/model/profile';
import { resolveMode } from '../../shared/model/modes';

describe('die profile', () => {
  it('an empty file takes every default of spec section 2', () => {
    expect(parseDieProfile({})).toEqual(DEFAULT_PROFILE);
  });

  it('the JSON of spec section 2 parses to the defaults', () => {
    const json = `{
      "rows": 256, "outputs": 8, "inputBits": 8, "weightBits": 8, "adcBits": 6,
      "salientInputBits": 2,
      "levels": [ { "boundary": 11, "skip": 4 }, { "boundary": 10, "skip": 2 },
                  { "boundary": 9, "skip": 0 }, { "boundary": 8, "skip": 0 } ],
      "thresholds": [ -43008, -30720, -18432 ],
      "energy": { "digitalPlanePj": 0.80, "analogPlanePj": 0.28, "saliencyPj": 1.90 },
      "clockMHz": 100, "vddV": 1.0 }`;
    expect(parseDieProfileJson(json, 'spec.json')).toEqual(DEFAULT_PROFILE);
  });

  it('a partial energy block keeps the other energy defaults', () => {
    const p = parseDieProfile({ energy: { analogPlanePj: 0.3 } });
    expect(p.energy).toEqual({ digitalPlanePj: 0.8, analogPlanePj: 0.3, saliencyPj: 1.9 });
  });

  it.each([
    ['rows too large', { rows: 5000 }, 'rows: must be <= 4096'],
    ['adcBits zero', { adcBits: 0 }, 'adcBits: must be >= 1'],
    ['inputBits not an integer', { inputBits: 7.5 }, 'inputBits: expected int'],
    ['a string for outputs', { outputs: '8' }, 'outputs: expected number'],
    ['an unknown field (typo)', { adcbits: 6 }, 'unknown field(s) adcbits'],
    ['an unknown energy field', { energy: { leakagePj: 1 } }, 'energy: unknown field(s) leakagePj'],
    ['a negative energy', { energy: { digitalPlanePj: -1 } }, 'energy.digitalPlanePj: must be > 0'],
    ['a clock of 1e308 MHz', { clockMHz: 1e308 }, 'clockMHz: must be <= 10000'],
    ['a clock of 0 MHz', { clockMHz: 0 }, 'clockMHz: must be > 0'],
    ['a supply of 100 V', { vddV: 100 }, 'vddV: must be <= 5'],
    ['a supply of 1 mV', { vddV: 0.001 }, 'vddV: must be >= 0.1'],
    ['an analog plane energy of 1e308 pJ', { energy: { analogPlanePj: 1e308 } }, 'energy.analogPlanePj: must be <= 10000'],
    ['a saliency energy of 1e300 pJ', { energy: { saliencyPj: 1e300 } }, 'energy.saliencyPj: must be <= 10000'],
    ['a negative saliency energy', { energy: { saliencyPj: -0.1 } }, 'energy.saliencyPj: must be >= 0'],
    ['too many thresholds', { thresholds: [1, 2, 3, 4] }, 'thresholds: need one less than levels (3), got 4'],
    ['thresholds out of order', { thresholds: [1, 3, 2] }, 'thresholds.2: must ascend (2 <= 3)'],
    [
      'a boundary beyond the planes',
      {
        levels: [
          { boundary: 15, skip: 0 },
          { boundary: 16, skip: 0 },
        ],
        thresholds: [0],
      },
      'levels.1.boundary: must be in 0..15, got 16',
    ],
    ['skip above boundary', { levels: [{ boundary: 4, skip: 5 }], thresholds: [] }, 'levels.0.skip: must be <= boundary (4), got 5'],
    ['salientInputBits above inputBits', { salientInputBits: 9 }, 'salientInputBits: must be in 0..inputBits (8), got 9'],
    ['no levels', { levels: [], thresholds: [] }, 'levels: must be >= 1 entries'],
  ])('refuses %s, naming the field', (_, value, message) => {
    expect(() => parseDieProfile(value, 'die.json')).toThrow(message);
    expect(() => parseDieProfile(value, 'die.json')).toThrow(/^die\.json: invalid die profile/);
  });

  it('refuses text that is not JSON, naming the file', () => {
    expect(() => parseDieProfileJson('{ rows: 4 ', 'bad.json')).toThrow(/^bad\.json: invalid die profile:\n {2}not valid JSON/);
  });

  it.each([
    ['a key given twice', '{"rows":256,"rows":512}', "rows: duplicate key 'rows' (line 1)"],
    ['a nested key given twice', '{"energy": {"saliencyPj": 1,\n "saliencyPj": 2}}', "energy.saliencyPj: duplicate key 'saliencyPj' (line 2)"],
    [
      'a key twice in a level',
      '{"levels": [{"boundary": 9, "skip": 0}, {"boundary": 8, "skip": 0, "skip": 1}], "thresholds": [0]}',
      "levels.1.skip: duplicate key 'skip' (line 1)",
    ],
  ])('refuses %s in the JSON text, naming the key and the file', (_, text, message) => {
    expect(() => parseDieProfileJson(text, 'die.json')).toThrow(`die.json: invalid die profile:\n  ${message}`);
  });

  it('reads a file that starts with a UTF-8 byte order mark', () => {
    expect(parseDieProfileJson('\uFEFF{"rows": 128}', 'bom.json')).toEqual({ ...DEFAULT_PROFILE, rows: 128 });
  });
});

describe('a profile for a die on a board', () => {
  // one vector is rows x (1 or 2 bytes) in base64, one result record per output 2 sums, a level and
  // every plane's code: each must fit the 8192-byte protocol line less its frame
  it.each([
    ['the defaults', {}, []],
    ['the largest profile of 8-bit inputs', { rows: 4096, outputs: 16 }, []],
    ['3036 rows of 16-bit inputs', { rows: 3036, inputBits: 16 }, []],
    [
      '3037 rows of 16-bit inputs',
      { rows: 3037, inputBits: 16 },
      ['rows: one vector of 3037 inputs of 2 byte(s) (inputBits 16) is 8100 bytes in base64, past the 8096 a 8192-byte protocol line holds: at most 3036 rows'],
    ],
    ['4096 rows of 16-bit inputs', { rows: 4096, inputBits: 16 }, [expect.stringMatching(/^rows: one vector of 4096 inputs .* at most 3036 rows$/)]],
    [
      '64 outputs of 16 x 16-bit planes with a 12-bit ADC',
      { outputs: 64, inputBits: 16, weightBits: 16, adcBits: 12, levels: [{ boundary: 20, skip: 0 }], thresholds: [] },
      [expect.stringMatching(/^outputs: one result record of 64 outputs of 529 bytes .* at most 11 outputs at inputBits 16, weightBits 16, adcBits 12$/)],
    ],
    [
      '11 outputs of 16 x 16-bit planes with a 12-bit ADC',
      { outputs: 11, inputBits: 16, weightBits: 16, adcBits: 12, levels: [{ boundary: 20, skip: 0 }], thresholds: [] },
      [],
    ],
    ['256 outputs of 8 x 8-bit planes', { outputs: 256 }, [expect.stringMatching(/^outputs: one result record of 256 outputs of 73 bytes/)]],
  ])('%s: %j', (_, value, issues) => {
    expect(protocolFitIssues(parseDieProfile(value))).toEqual(issues);
  });

  it('is refused when its lines cannot fit, naming the field and the limit', () => {
    expect(() => parseBoardDieProfile({ rows: 4096, inputBits: 16 }, 'die.json')).toThrow(
      /^die\.json: invalid die profile:\n {2}rows: .*8192-byte protocol line.*at most 3036 rows/,
    );
  });
});

describe('modes', () => {
  it.each([
    [{ mode: 'hcim' as const }, 'boundary: required for mode hcim'],
    [{ mode: 'hcim' as const, boundary: 16 }, 'boundary: must be an integer in 0..15, got 16'],
    [{ mode: 'hcim' as const, boundary: 5, skip: 6 }, 'skip: must be an integer in 0..boundary (5), got 6'],
    [{ mode: 'osa' as const, boundary: 5 }, 'boundary: only applies to mode hcim, not osa'],
    [{ mode: 'dcim' as const, skip: 1 }, 'skip: only applies to mode hcim, not dcim'],
  ])('refuses %j', (config, message) => {
    expect(() => resolveMode(DEFAULT_PROFILE, config)).toThrow(message);
  });

  it('fixes acim at b = BX+BW-1 and dcim at b = 0', () => {
    expect(resolveMode(DEFAULT_PROFILE, { mode: 'acim' }).fixed).toEqual({ boundary: 15, skip: 0 });
    expect(resolveMode(DEFAULT_PROFILE, { mode: 'dcim' }).fixed).toEqual({ boundary: 0, skip: 0 });
  });
});
