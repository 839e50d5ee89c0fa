import { describe, expect, it } from 'vitest';
import { parseIntCsv } from '../../shared/io/csv';
import { checkVectorSet, checkWeightSet } from '../../shared/io/matrix-checks';
import { parseDieProfile } from '../../shared/model/profile';

const p = parseDieProfile({ rows: 3, outputs: 2 });

describe('weight and vector sets must fit the profile', () => {
  it.each([
    ['weights of the wrong shape', 'w', '1,2\n3,4\n', 'w.csv: weights are 2 x 2, expected 3 rows x 2 outputs (N x M)'],
    ['a weight above 127', 'w', '1,2\n3,128\n5,6\n', 'w.csv: line 2, column 2: weight 128 is outside -128..127'],
    ['a weight below -128', 'w', '# h\n1,2\n3,4\n-129,6\n', 'w.csv: line 4, column 1: weight -129 is outside -128..127'],
    ['vectors of the wrong width', 'x', '1,2\n', 'x.csv: vectors have 2 inputs per row, expected 3 (N)'],
    ['a negative input', 'x', '1,2,3\n0,-1,0\n', 'x.csv: line 2, column 2: input -1 is outside 0..255'],
    ['an input above 255', 'x', '1,2,256\n', 'x.csv: line 1, column 3: input 256 is outside 0..255'],
  ])('%s', (_, kind, text, message) => {
    const file = `${kind}.csv`;
    const m = parseIntCsv(text, file);
    expect(() => (kind === 'w' ? checkWeightSet(m, p, file) : checkVectorSet(m, p, file))).toThrow(message);
  });

  it('passes sets that fit', () => {
    expect(checkWeightSet(parseIntCsv('-128,127\n0,0\n1,-1\n', 'w.csv'), p, 'w.csv').rows).toBe(3);
    expect(checkVectorSet(parseIntCsv('0,255,7\n', 'x.csv'), p, 'x.csv').cols).toBe(3);
  });
});
