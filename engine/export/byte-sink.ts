// Where an export's bytes go: a file, written beside its final name and renamed into place once
// complete (a failed or interrupted export never leaves a truncated file under the name asked
// for), or any Writable stream (a socket, stdout). Both wait while the destination is behind,
// so an export holds at most one chunk in hand however fast it reads the store.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { FieldError } from '../../shared/api/run-options';

export interface ByteSink {
  /** resolves once the destination has taken the chunk (or has room for more) */
  write(chunk: Uint8Array | string): Promise<void>;
  /** bytes written so far */
  readonly bytes: number;
}

/** A sink that completes into a file: `commit` puts it in place, `discard` removes what was written. */
export interface FileSink extends ByteSink {
  readonly path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Chunks are gathered up to this size before a write to the file. */
const FILE_CHUNK = 1 << 20;

const reasons: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the name is too long',
  ENOENT: 'no such folder',
  EISDIR: 'is a folder',
};

function outError(path: string, e: unknown): FieldError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return new FieldError('out', `cannot write ${path}: ${reasons[code] ?? (e instanceof Error ? e.message : String(e))}`);
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** Open `path` for an export; refusals (a folder, no such folder, no permission) are FieldErrors on 'out'. */
export async function fileSink(path: string): Promise<FileSink> {
  const target = resolve(path);
  if (path.trim() === '') throw new FieldError('out', 'is empty: give the file to write');
  if ((await statOrNull(target))?.isDirectory()) throw new FieldError('out', `${path} is a folder: give a file name in it, such as ${join(path, 'run.parquet')}`);
  const folder = dirname(target);
  const dir = await statOrNull(folder);
  if (!dir) throw new FieldError('out', `cannot write ${path}: the folder ${folder} does not exist`);
  if (!dir.isDirectory()) throw new FieldError('out', `cannot write ${path}: ${folder} is not a folder`);
  const partial = join(folder, `.${basename(target)}.${randomBytes(4).toString('hex')}.partial`);
  let handle: FileHandle;
  try {
    handle = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (e) {
    throw outError(path, e);
  }
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  let closed = false;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    try {
      await handle.write(chunk);
    } catch (e) {
      throw outError(path, e);
    }
  };
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    path: target,
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      bytes += b.byteLength;
      pending.push(b);
      pendingBytes += b.byteLength;
      if (pendingBytes >= FILE_CHUNK) await flush();
    },
    async commit() {
      try {
        await flush();
        await handle.sync().catch(() => undefined);
      } finally {
        await close();
      }
      try {
        await rename(partial, target);
      } catch (e) {
        await unlink(partial).catch(() => undefined);
        throw outError(path, e);
      }
    },
    async discard() {
      pending = [];
      pendingBytes = 0;
      await close().catch(() => undefined);
      await unlink(partial).catch(() => undefined);
    },
  };
}

/** A sink onto a Writable: each write waits for 'drain' when the stream's buffer is full. */
export function writableSink(out: Writable): ByteSink {
  let bytes = 0;
  let failed: Error | null = null;
  out.on('error', (e) => {
    failed = e;
  });
  return {
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      if (failed) throw failed;
      // a download whose client hung up: its 'close' has gone by, so no drain would ever come
      if (out.destroyed || out.writableEnded) throw new Error('the output closed before the export was written');
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (out.write(chunk)) return;
      await new Promise<void>((resolveDrain, reject) => {
        const done = (e?: Error) => {
          out.off('drain', onDrain);
          out.off('error', done);
          out.off('close', onClose);
          if (e) reject(e);
          else resolveDrain();
        };
        const onDrain = () => done();
        const onClose = () => done(new Error('the output closed before the export was written'));
        out.once('drain', onDrain);
        out.once('error', done);
        out.once('close', onClose);
      });
    },
  };
}
