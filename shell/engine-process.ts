// The engine beside the window: `osa-bench serve` in a child process on a free loopback port with
// a fresh token. The shell reads its one `serving:` line, and stops it when the app quits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface EngineCommand {
  /** the Node binary: `node` in development, the app's own binary with ELECTRON_RUN_AS_NODE=1 when packaged */
  readonly node: string;
  /** bin/osa-bench.mjs */
  readonly cli: string;
  readonly dbPath: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningEngine {
  /** the page to open, with its token: http://127.0.0.1:PORT/?token=... */
  readonly url: string;
  readonly origin: string;
  stop(): Promise<void>;
}

const SERVING = /^serving: (http:\/\/\S+)$/;

export function startEngine(cmd: EngineCommand, timeoutMs = 20_000, spawnFn: typeof spawn = spawn): Promise<RunningEngine> {
  const child = spawnFn(cmd.node, [cmd.cli, 'serve', '--port', '0', '--db', cmd.dbPath], { env: cmd.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the engine did not start: ${why}${stderr ? `\n${stderr.trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no 'serving:' line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`})`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = SERVING.exec(line.trim());
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const url = m[1];
      resolve({ url, origin: new URL(url).origin, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM (the engine aborts runs after the batch in hand and closes the store), SIGKILL if it hangs. */
function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
