// @vitest-environment happy-dom
// Where an engine error lands on a form, and the forms' requests.
import { describe, expect, it } from 'vitest';
import { RpcClientError } from '../../shared/api/client';
import { fieldFor, formError } from '../../renderer/src/forms/field-errors';
import { defaultParams, paramFields, paramsOf, paramsFromRun } from '../../renderer/src/forms/procedure-params';
import { defaultRunForm, runOptions, RUN_FIELDS } from '../../renderer/src/forms/run-form';

describe('field errors', () => {
  it('land on the field named, its nearest field, or the form', () => {
    expect(fieldFor('workload.vectors', RUN_FIELDS)).toBe('workload.vectors');
    expect(fieldFor('workload', RUN_FIELDS)).toBe('workload.kind');
    expect(fieldFor('tags.3', RUN_FIELDS)).toBe('tags');
    expect(fieldFor('calibration', RUN_FIELDS)).toBe('calibration');
    expect(fieldFor('resumeWithinMs', RUN_FIELDS)).toBeNull();
    const e = (message: string, field: string | null = null) => new RpcClientError(-32602, message, field, 'run.start');
    expect(formError(e('tags.3: Too long', 'tags.3'), RUN_FIELDS)).toEqual({ field: 'tags', message: 'Too long' });
    expect(formError(e('skip: out of range'), RUN_FIELDS)).toEqual({ field: 'skip', message: 'out of range' });
    expect(formError(e('calibration: no calibration 9', 'calibration'), RUN_FIELDS)).toEqual({ field: 'calibration', message: 'no calibration 9' });
    expect(formError(e('resumeWithinMs: too long', 'resumeWithinMs'), RUN_FIELDS)).toEqual({ field: null, message: 'resumeWithinMs: too long' });
    expect(formError(new Error('boom'), RUN_FIELDS)).toEqual({ field: null, message: 'boom' });
  });
});

describe('the run form', () => {
  it('asks for boundary and skip in hcim only, and leaves out what is empty', () => {
    const v = { ...defaultRunForm(), batch: null, label: '  ', tags: '' };
    expect(runOptions(v, { board: 'sim' })).toEqual({ board: 'sim', mode: 'osa', workload: { kind: 'relu', vectors: 20_000, seed: 1 }, repeat: 1, tags: [] });
    expect(runOptions({ ...v, mode: 'hcim', boundary: 9, skip: 2, batch: 100 }, { board: '/dev/ttyUSB0' })).toMatchObject({
      board: '/dev/ttyUSB0',
      boundary: 9,
      skip: 2,
      batch: 100,
    });
  });
});

describe('the procedure forms', () => {
  it('are made from the params schemas with their defaults', () => {
    expect(paramFields('march')).toEqual([]);
    const rep = paramFields('repeatability');
    expect(rep.find((f) => f.name === 'mode')).toMatchObject({ kind: 'choice', options: ['dcim', 'acim', 'hcim', 'osa'] });
    expect(rep.find((f) => f.name === 'boundary')).toMatchObject({ kind: 'integer', optional: true, min: 0, max: 31 });
    expect(rep.find((f) => f.name === 'also')).toMatchObject({ kind: 'text-list', key: 'params.also' });
    expect(defaultParams('osa-points')).toMatchObject({ vectors: 4000, offsets: '-12288, -6144, 0, 6144, 12288' });
    expect(paramsOf('repeatability', { ...defaultParams('repeatability'), also: 'a.json, b.json' })).toEqual({
      workload: 'relu',
      vectors: 2000,
      seed: 1,
      times: 5,
      mode: 'osa',
      also: ['a.json', 'b.json'],
    });
    expect(paramsFromRun('snr-sweep', { from: 3, to: 9, unknown: 1 }, defaultParams('snr-sweep'))).toMatchObject({ from: 3, to: 9, vectors: 4000 });
  });
});
