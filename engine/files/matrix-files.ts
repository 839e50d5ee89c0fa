// Weight and vector files on disk: the format follows the extension (.csv or .npy).
import { readFile, writeFile, rename } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataFileError, type LocatedMatrix } from '../../shared/io/data-file-error';
import { formatIntCsv, parseIntCsv } from '../../shared/io/csv';
import { formatNpy, parseNpy } from '../../shared/io/npy';
import { checkVectorSet, checkWeightSet } from '../../shared/io/matrix-checks';
import type { IntMatrix } from '../../shared/model/matrix';
import type { DieProfile } from '../../shared/model/profile';

type Format = 'csv' | 'npy';

function formatOf(path: string): Format {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.npy') return 'npy';
  throw new DataFileError(path, null, `unknown extension '${ext}': use .csv or .npy`);
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataFileError(path, null, code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`);
  }
}

export async function readMatrixFile(path: string): Promise<LocatedMatrix> {
  const format = formatOf(path);
  const bytes = await readBytes(path);
  return format === 'csv' ? parseIntCsv(bytes.toString('utf8'), path) : parseNpy(bytes, path);
}

export async function readWeightFile(path: string, profile: DieProfile): Promise<IntMatrix> {
  return checkWeightSet(await readMatrixFile(path), profile, path);
}

export async function readVectorFile(path: string, profile: DieProfile): Promise<IntMatrix> {
  return checkVectorSet(await readMatrixFile(path), profile, path);
}

/** Write through a temporary file and rename, so a reader never sees half a file. */
export async function writeMatrixFile(path: string, m: IntMatrix, header?: string): Promise<void> {
  const format = formatOf(path);
  const content = format === 'csv' ? formatIntCsv(m, header) : formatNpy(m);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
