// Weight and vector files on disk: the format follows the extension (.csv or .npy).
import { open, readFile, writeFile, rename, stat, type FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataFileError, type LocatedMatrix } from '../../shared/io/data-file-error';
import { formatIntCsv, parseIntCsvBytes } from '../../shared/io/csv';
import { decodeNpyRows, formatNpy, npyDataStart, parseNpy, parseNpyLayout } from '../../shared/io/npy';
import { checkVectorSet, checkWeightSet } from '../../shared/io/matrix-checks';
import { rowSlice, type IntMatrix } from '../../shared/model/matrix';
import type { DieProfile } from '../../shared/model/profile';

type Format = 'csv' | 'npy';

/** The format of a file to read; a folder is named as such, not as a file of unknown extension. */
async function readableFormatOf(path: string): Promise<Format> {
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false, // a missing file is reported when it is read
  );
  if (isFolder) throw new DataFileError(path, null, 'is a folder, not a .csv or .npy file');
  return formatOf(path);
}

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
  const format = await readableFormatOf(path);
  const bytes = await readBytes(path);
  return format === 'csv' ? parseIntCsvBytes(bytes, path, () => bytes.toString('utf8')) : parseNpy(bytes, path);
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

/** A vector set visited chunk by chunk, each chunk checked like readVectorFile's whole set. */
export interface VectorChunks {
  readonly rows: number;
  readonly cols: number;
  /** Every vector in order. A chunk is valid only until `fn` returns (its buffer is reused). */
  forEach(fn: (first: number, chunk: IntMatrix) => void | Promise<void>): Promise<void>;
}

/**
 * A row-major .npy vector file is read in chunks of whole vectors into one reused buffer, each
 * chunk a typed-array view on the bytes read: a 500,000-vector set (512 MB as int32) is never in
 * memory whole, and no fresh memory has to be faulted in (on the bench VMs that costs about 4 s
 * per GB, more than the model). Other files are read whole and visited in slices.
 */
export async function openVectorFile(path: string, profile: DieProfile, chunkVectors = 4096): Promise<VectorChunks> {
  if ((await readableFormatOf(path)) !== 'npy') return wholeChunks(await readVectorFile(path, profile), chunkVectors);
  const layout = await withFile(path, async (fh) => {
    const size = (await fh.stat()).size;
    const lead = await readAt(fh, path, new Uint8Array(Math.min(size, 12)), 0);
    return parseNpyLayout(await readAt(fh, path, new Uint8Array(Math.min(size, npyDataStart(lead, path))), 0), size, path);
  });
  if (!layout.rowMajor) return wholeChunks(await readVectorFile(path, profile), chunkVectors);
  // a wrong shape is refused before any vector is read
  checkVectorSet({ rows: 0, cols: layout.cols, data: new Int32Array(0), locate: layout.locate }, profile, path);
  const rowBytes = layout.cols * layout.itemSize;
  const buffer = new Uint8Array(Math.min(chunkVectors, layout.rows) * rowBytes);
  return {
    rows: layout.rows,
    cols: layout.cols,
    forEach: (fn) =>
      withFile(path, async (fh) => {
        for (let first = 0; first < layout.rows; first += chunkVectors) {
          const count = Math.min(chunkVectors, layout.rows - first);
          const bytes = await readAt(fh, path, buffer.subarray(0, count * rowBytes), layout.dataStart + first * rowBytes);
          const data = decodeNpyRows(layout, bytes, first, count, path);
          const located = { rows: count, cols: layout.cols, data, locate: (r: number, c: number) => layout.locate(first + r, c) };
          await fn(first, checkVectorSet(located, profile, path));
        }
      }),
  };
}

async function withFile<T>(path: string, use: (fh: FileHandle) => Promise<T>): Promise<T> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataFileError(path, null, code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`);
  }
  try {
    return await use(fh);
  } finally {
    await fh.close();
  }
}

/** Fill `buf` from `position`. */
async function readAt(fh: FileHandle, path: string, buf: Uint8Array, position: number): Promise<Uint8Array> {
  for (let done = 0; done < buf.length;) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw new DataFileError(path, null, 'the file was cut short while it was read');
    done += bytesRead;
  }
  return buf;
}

function wholeChunks(m: IntMatrix, chunkVectors: number): VectorChunks {
  return {
    rows: m.rows,
    cols: m.cols,
    forEach: async (fn) => {
      for (let first = 0; first < m.rows; first += chunkVectors) await fn(first, rowSlice(m, first, first + chunkVectors));
    },
  };
}
