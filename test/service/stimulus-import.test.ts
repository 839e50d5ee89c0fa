// A large stimulus file is imported in a thread of its own, with what the engine's thread would
// have answered: the same kept file and figures, the same refusal naming field, file and line.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_THREAD_FROM, importMatrixHere, importMatrixInThread } from '../../engine/service/stimulus-import';
import { FieldError } from '../../shared/api/run-options';
import { DEFAULT_PROFILE } from '../../shared/model/profile';

/** Vectors of 256 inputs as CSV, at least `bytes` long; `badLine` holds an input out of range. */
function vectorsCsv(bytes: number, badLine?: number): string {
  const lines = ['# x0..x255'];
  for (let r = 0; lines.join('\n').length < bytes; r++)
    lines.push(Array.from({ length: 256 }, (_, i) => (lines.length + 1 === badLine && i === 9 ? 256 : (r * 13 + i * 7) % 256)).join(','));
  return `${lines.join('\n')}\n`;
}

const request = (text: string, fileName = 'sweep.csv') => ({ kind: 'vectors' as const, fileName, base64: Buffer.from(text).toString('base64') });

/** The error a promise is refused with, as its class, field and message. */
async function refusal(p: Promise<unknown>): Promise<{ type: string; field: string | null; message: string }> {
  const e = await p.then(
    () => new Error('imported'),
    (err: unknown) => err as Error,
  );
  return { type: e.constructor.name, field: e instanceof FieldError ? e.field : null, message: e.message };
}

describe('stimulus import of a large file', () => {
  const text = vectorsCsv(IMPORT_THREAD_FROM);

  it('is large enough for the engine to import it in a thread', () => {
    expect(request(text).base64.length).toBeGreaterThanOrEqual(IMPORT_THREAD_FROM);
  });

  it('keeps the same file, with the same figures, as an import in the engine thread', async () => {
    const threaded = mkdtempSync(join(tmpdir(), 'osa-bench-import-'));
    const here = mkdtempSync(join(tmpdir(), 'osa-bench-import-'));
    const a = await importMatrixInThread(threaded, request(text), DEFAULT_PROFILE);
    const b = await importMatrixHere(here, request(text), DEFAULT_PROFILE);
    expect({ ...a, path: null }).toEqual({ ...b, path: null });
    expect(a).toMatchObject({ kind: 'vectors', cols: 256, rows: text.split('\n').length - 2 });
    expect(readdirSync(threaded)).toEqual([`${a.sha256}.csv`]);
    expect(readFileSync(a.path, 'utf8')).toBe(text);
  }, 60_000);

  it('is refused as the engine thread refuses it: the field, the file and the line', async () => {
    const bad = request(vectorsCsv(IMPORT_THREAD_FROM, 300));
    const dir = mkdtempSync(join(tmpdir(), 'osa-bench-import-'));
    const threaded = await refusal(importMatrixInThread(dir, bad, DEFAULT_PROFILE));
    expect(threaded).toEqual(await refusal(importMatrixHere(dir, bad, DEFAULT_PROFILE)));
    expect(threaded).toMatchObject({ type: 'FieldError', field: 'vectorsFile' });
    expect(threaded.message).toMatch(/^vectorsFile: sweep\.csv: line 300, column 10\b/);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
