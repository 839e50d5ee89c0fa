// The app's side of a board: typed commands over a RequestPipe. Bulk transfers are cut into lines
// that fit the board's line limit and pipelined within its window, so the link stays busy.
import type { Clock } from '../../shared/clock';
import {
  allocateResultBlock,
  decodeInts,
  decodeResults,
  encodeInts,
  vectorFormat,
  weightFormat,
  type ResultBlock,
  type ResultLayout,
} from '../../shared/protocol/data-blocks';
import { PROTOCOL_VERSION } from '../../shared/protocol/frame';
import {
  formatRunConfig,
  parseCapabilities,
  parseIdentity,
  parseRunConfig,
  parseRunReport,
  parseTelemetry,
  type BoardCapabilities,
  type BoardIdentity,
  type BoardRunConfig,
  type RunReport,
  type Telemetry,
} from '../../shared/protocol/payloads';
import type { LineTransport } from '../transport/line-transport';
import { IncompatibleBoardError } from './errors';
import { RequestPipe, type PipeState, type PipeStats } from './request-pipe';

export interface BoardClientOptions {
  readonly clock: Clock;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly maxQueued?: number;
}

/** One request of a bulk transfer, with the data it puts on each direction of the link. */
export interface LinkJob<T> {
  readonly bytesToBoard: number;
  /** an upper bound: the longest records the configuration can produce */
  readonly bytesToHost: number;
  /** enqueue the request now; settles with its answer */
  send(): Promise<T>;
}

/** Room on a line for the seq, verb, arguments and CRC around the data. */
const LINE_OVERHEAD = 96;

/**
 * How many items of `itemBytes` (before base64) go on one line: as many as fit the length the
 * link's error rate calls for (the board's `maxLine` on a clean link, less on a noisy one); at least one.
 */
function itemsPerLine(budget: RequestPipe['lineBudget'], maxLine: number, itemBytes: number): number {
  return Math.max(1, Math.floor(((budget.lineBytes(maxLine, LINE_OVERHEAD) - LINE_OVERHEAD) * 3) / 4 / itemBytes));
}

export class BoardClient {
  private readonly pipe: RequestPipe;
  private caps: BoardCapabilities | null = null;
  private ident: BoardIdentity | null = null;
  private readonly bootListeners: ((identity: string) => void)[] = [];
  private readonly telemetryListeners: ((t: Telemetry) => void)[] = [];

  constructor(
    readonly transport: LineTransport,
    options: BoardClientOptions,
  ) {
    this.pipe = new RequestPipe(transport, options);
    this.pipe.onEvent((e) => {
      if (e.name === 'BOOT') for (const fn of this.bootListeners) fn(e.fields.join(' '));
      if (e.name === 'TEL') {
        const t = parseTelemetry(e.fields);
        if (t.ok) for (const fn of this.telemetryListeners) fn(t.value);
      }
    });
  }

  get label(): string {
    return this.transport.label;
  }

  get state(): PipeState {
    return this.pipe.currentState;
  }

  get stats(): Readonly<PipeStats> {
    return this.pipe.stats;
  }

  /** requests sent and not answered, or waiting to be sent */
  get pending(): number {
    return this.pipe.pending;
  }

  get identity(): BoardIdentity {
    if (!this.ident) throw new Error(`${this.label}: not connected (call connect first)`);
    return this.ident;
  }

  get capabilities(): BoardCapabilities {
    if (!this.caps) throw new Error(`${this.label}: not connected (call connect first)`);
    return this.caps;
  }

  /** The board rebooted: it has lost its configuration, weights and vectors. */
  onBoot(listener: (identity: string) => void): void {
    this.bootListeners.push(listener);
  }

  onTelemetry(listener: (t: Telemetry) => void): void {
    this.telemetryListeners.push(listener);
  }

  /** Called once if the board becomes unresponsive or the link goes down. */
  onLost(listener: (state: PipeState, error: Error) => void): void {
    this.pipe.onStateChange(listener);
  }

  /** Identify the board, refuse an incompatible protocol, and learn its capabilities. */
  async connect(): Promise<{ identity: BoardIdentity; capabilities: BoardCapabilities }> {
    const identity = await this.identify();
    if (identity.protocol !== PROTOCOL_VERSION) {
      throw new IncompatibleBoardError(
        this.label,
        `the board speaks protocol version ${identity.protocol}, this app speaks ${PROTOCOL_VERSION}: update ${identity.protocol > PROTOCOL_VERSION ? 'the app' : `the board firmware (now ${identity.firmware})`}`,
      );
    }
    const caps = parseCapabilities(await this.pipe.request('CAP?'));
    if (!caps.ok) throw new IncompatibleBoardError(this.label, `bad CAP? answer: ${caps.error}`);
    this.caps = caps.value;
    this.pipe.window = caps.value.window;
    return { identity, capabilities: caps.value };
  }

  async identify(): Promise<BoardIdentity> {
    const id = parseIdentity(await this.pipe.request('*IDN?'));
    if (!id.ok) throw new IncompatibleBoardError(this.label, `not an OSA-HCIM board, or a garbled *IDN? answer: ${id.error}`);
    this.ident = id.value;
    return id.value;
  }

  /**
   * The board's boot id, drawn anew at every power-up and reboot: the same id before a set-up and
   * after a batch's results proves that no reboot came between them.
   */
  async bootId(): Promise<number> {
    const f = await this.pipe.request('BOOT?');
    const id = Number(f[0]);
    if (f.length !== 1 || !/^\d{1,10}$/.test(f[0] ?? '') || id < 1 || id > 0xffffffff) throw new IncompatibleBoardError(this.label, `bad BOOT? answer: ${f.join(' ')}`);
    return id;
  }

  async ping(): Promise<void> {
    await this.pipe.request('PING');
  }

  async configure(config: BoardRunConfig): Promise<BoardRunConfig> {
    const echo = parseRunConfig(await this.pipe.request('CFG', formatRunConfig(config)));
    if (!echo.ok) throw new IncompatibleBoardError(this.label, `bad CFG answer: ${echo.error}`);
    return echo.value;
  }

  async readConfig(): Promise<BoardRunConfig> {
    const echo = parseRunConfig(await this.pipe.request('CFG?'));
    if (!echo.ok) throw new IncompatibleBoardError(this.label, `bad CFG? answer: ${echo.error}`);
    return echo.value;
  }

  /** Write all N x M weights (row-major). */
  async writeWeights(weights: Int32Array): Promise<void> {
    const { rows, outputs, weightBits, maxLine } = this.capabilities;
    if (weights.length !== rows * outputs) throw new RangeError(`weights hold ${weights.length} values, the die needs ${rows} x ${outputs}`);
    const fmt = weightFormat(weightBits);
    const perLine = itemsPerLine(this.pipe.lineBudget, maxLine, outputs * fmt.bytes);
    const jobs: Promise<unknown>[] = [];
    for (let r = 0; r < rows; r += perLine) {
      const n = Math.min(perLine, rows - r);
      jobs.push(this.pipe.request('WGT', [r, n, 'B', encodeInts(weights.subarray(r * outputs, (r + n) * outputs), fmt, 'B')]));
    }
    await Promise.all(jobs);
  }

  /** Read the weights back from the SRAM (the march test reads what the cells really hold). */
  async readWeights(): Promise<Int32Array> {
    const { rows, outputs, weightBits, maxLine } = this.capabilities;
    const fmt = weightFormat(weightBits);
    const perLine = itemsPerLine(this.pipe.lineBudget, maxLine, outputs * fmt.bytes);
    const out = new Int32Array(rows * outputs);
    const jobs: Promise<void>[] = [];
    for (let r = 0; r < rows; r += perLine) {
      const n = Math.min(perLine, rows - r);
      jobs.push(
        this.pipe.request('WGT?', [r, n]).then((f) => {
          const data = decodeInts(f[3] ?? '', f[2] === 'D' ? 'D' : 'B', n * outputs, fmt);
          if (!data.ok) throw new IncompatibleBoardError(this.label, `bad WGT? answer for rows ${r}..${r + n - 1}: ${data.error}`);
          out.set(data.value, r * outputs);
        }),
      );
    }
    await Promise.all(jobs);
    return out;
  }

  /** Load `count` vectors (count x N, row-major) into board memory from `slot`. */
  async loadVectors(slot: number, vectors: Int32Array, count: number): Promise<void> {
    await Promise.all(this.vectorLoads(slot, vectors, count).map((load) => load.send()));
  }

  /**
   * The VEC requests that load vectors, one per line, not yet sent: a caller that streams can
   * interleave them with other requests so that both directions of the link stay busy.
   */
  vectorLoads(slot: number, vectors: Int32Array, count: number): LinkJob<void>[] {
    const { rows, inputBits, vectorCapacity, maxLine } = this.capabilities;
    if (slot < 0 || slot + count > vectorCapacity) throw new RangeError(`slots ${slot}..${slot + count - 1} exceed the board's vector memory (${vectorCapacity})`);
    if (vectors.length < count * rows) throw new RangeError(`${vectors.length} inputs hold fewer than ${count} vectors of ${rows}`);
    const fmt = vectorFormat(inputBits);
    const perLine = itemsPerLine(this.pipe.lineBudget, maxLine, rows * fmt.bytes);
    const jobs: LinkJob<void>[] = [];
    for (let v = 0; v < count; v += perLine) {
      const n = Math.min(perLine, count - v);
      const data = vectors.subarray(v * rows, (v + n) * rows);
      jobs.push({
        bytesToBoard: Math.ceil((n * rows * fmt.bytes) / 3) * 4,
        bytesToHost: 0,
        send: async () => {
          await this.pipe.request('VEC', [slot + v, n, 'B', encodeInts(data, fmt, 'B')]);
        },
      });
    }
    return jobs;
  }

  /** Run vectors slot..slot+count-1, `repeat` times, as batch `batch`: the burst's power and temperature. */
  async run(batch: number, slot: number, count: number, repeat = 1): Promise<RunReport> {
    const { inputBits, clockMHz } = this.capabilities;
    const burstMs = (count * repeat * inputBits) / clockMHz / 1000;
    const report = parseRunReport(await this.pipe.request('RUN', [batch, slot, count, repeat], burstMs));
    if (!report.ok) throw new IncompatibleBoardError(this.label, `bad RUN answer: ${report.error}`);
    return report.value;
  }

  async abort(): Promise<void> {
    await this.pipe.request('ABORT');
  }

  async reset(): Promise<void> {
    await this.pipe.request('RST');
  }

  /** Idle telemetry every `periodMs` (0 = off). */
  async setTelemetry(periodMs: number): Promise<void> {
    await this.pipe.request('TEL', [periodMs]);
  }

  /** Results `from`..`from+count-1` of a batch, pipelined in lines that fit the board's limit. */
  async fetchResults(batch: number, from: number, count: number, layout: ResultLayout): Promise<ResultBlock> {
    const block = allocateResultBlock(from, count, layout.outputs, layout.planes);
    await Promise.all(this.resultFetches(batch, from, count, layout, block).map((fetch) => fetch.send()));
    return block;
  }

  /** The RES? requests that fill `block` with results of a batch, one per line, not yet sent. */
  resultFetches(batch: number, from: number, count: number, layout: ResultLayout, block: ResultBlock): LinkJob<void>[] {
    const { maxLine } = this.capabilities;
    const perLine = itemsPerLine(this.pipe.lineBudget, maxLine, layout.maxVectorBytes);
    const jobs: LinkJob<void>[] = [];
    for (let v = 0; v < count; v += perLine) {
      const n = Math.min(perLine, count - v);
      jobs.push({
        bytesToBoard: 0,
        bytesToHost: Math.ceil((n * layout.maxVectorBytes) / 3) * 4,
        send: async () => {
          const f = await this.pipe.request('RES?', [batch, from + v, n]);
          const part = decodeResults(f[4] ?? '', f[3] === 'D' ? 'D' : 'B', from + v, n, layout);
          if (!part.ok) throw new IncompatibleBoardError(this.label, `bad RES? answer for batch ${batch}, vectors ${from + v}..: ${part.error}`);
          const at = (v + from - block.first) * layout.outputs;
          block.digital.set(part.value.digital, at);
          block.saliency.set(part.value.saliency, at);
          block.level.set(part.value.level, at);
          block.codes.set(part.value.codes, at * layout.planes);
        },
      });
    }
    return jobs;
  }

  /** A raw request, for tools and tests; the OK fields. */
  request(verb: string, args: readonly (string | number)[] = []): Promise<readonly string[]> {
    return this.pipe.request(verb, args);
  }

  async close(): Promise<void> {
    this.pipe.close();
    await this.transport.close();
  }
}
