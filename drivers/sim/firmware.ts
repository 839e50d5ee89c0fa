// The firmware of the simulated board: the board side of docs/protocol.md on top of a SimDie.
// Lines are answered strictly in the order they arrive, one answer per line; a RUN holds the
// lines behind it until its burst is over, except that an ABORT behind it cuts the burst short.
import { randomInt } from 'node:crypto';
import type { Clock, TimerHandle } from '../../shared/clock';
import { resolveMode } from '../../shared/model/modes';
import {
  allocateResultBlock,
  boardProfile,
  decodeInts,
  encodeInts,
  encodeResults,
  isEncoding,
  resultLayout,
  vectorFormat,
  weightFormat,
  type Encoding,
  type ResultLayout,
} from '../../shared/protocol/data-blocks';
import { crc32Ascii } from '../../shared/protocol/crc32';
import { encodeErr, encodeEvent, encodeNak, encodeOk, MAX_LINE, parseRequestLine, parseTerminalLine, PROTOCOL_VERSION, sanitize } from '../../shared/protocol/frame';
import {
  ERR,
  formatCapabilities,
  formatIdentity,
  formatRunConfig,
  formatRunReport,
  formatTelemetry,
  parseRunConfig,
  type BoardCapabilities,
  type BoardIdentity,
  type BoardRunConfig,
  type RunReport,
} from '../../shared/protocol/payloads';
import type { LazyRun, SimDie } from './silicon';

export const SIM_FIRMWARE_VERSION = '1.0.0';
const REPLAY_CACHE = 256;
const KEPT_BATCHES = 2;
const MIN_TELEMETRY_MS = 100;

type Answer = { ok: (string | number)[] } | { err: number; text: string };
class CommandError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface RunningBurst {
  readonly seq: number | null;
  readonly requestCrc: number;
  readonly batch: number;
  readonly slot: number;
  readonly count: number;
  readonly repeat: number;
  readonly startedAt: number;
  readonly burstMs: number;
  readonly config: BoardRunConfig;
  timer: TimerHandle | null;
}

export interface FirmwareOptions {
  readonly die: SimDie;
  readonly clock: Clock;
  /** where the firmware's lines go (no terminator) */
  readonly send: (line: string) => void;
}

export class SimFirmware {
  readonly identity: BoardIdentity;
  readonly capabilities: BoardCapabilities;
  private readonly die: SimDie;
  private readonly clock: Clock;
  private readonly send: (line: string) => void;
  private terminal = false;
  private hung = false;
  private config!: BoardRunConfig;
  private weightsLoaded = false;
  private vectors!: Int32Array;
  /** kept batches: their results are evaluated by RES? (null: none produced), from vector slots..slots+count-1 */
  private results = new Map<number, { run: LazyRun | null; slots: [number, number]; total: number; layout: ResultLayout }>();
  private replay = new Map<number, { crc: number; answer: string }>();
  private queue: string[] = [];
  private running: RunningBurst | null = null;
  private telemetryTimer: TimerHandle | null = null;
  private readonly bootedAt: number;
  /** drawn anew at power-up and at every reboot (a TRNG on the FPGA): BOOT? lets a host see a reboot it missed */
  private bootId = 0;

  constructor(options: FirmwareOptions) {
    this.die = options.die;
    this.clock = options.clock;
    this.send = options.send;
    this.bootedAt = this.clock.now();
    const c = this.die.config;
    this.identity = {
      vendor: 'OSA-BENCH-SIM',
      serial: c.serial,
      firmware: SIM_FIRMWARE_VERSION,
      bitstream: `sim${(crc32Ascii(JSON.stringify(c)) >>> 0).toString(16).padStart(8, '0')}`,
      dieId: c.dieId,
      protocol: PROTOCOL_VERSION,
    };
    this.capabilities = {
      ...this.die.capabilitiesGeometry,
      vectorCapacity: c.vectorCapacity,
      resultCapacity: c.resultCapacity,
      window: c.window,
      maxLine: MAX_LINE,
      clockMHz: c.profile.clockMHz,
    };
    this.resetState();
    this.drawBootId();
  }

  /** The current boot id (what `BOOT?` answers). */
  get currentBootId(): number {
    return this.bootId;
  }

  /** One line from the host (terminator removed). */
  receive(rawLine: string): void {
    if (this.hung) return;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    if (this.running && this.isAbort(line)) this.finishBurst(true);
    this.queue.push(line);
    this.drain();
  }

  /** Fault injection: stop answering anything, with the link up. */
  hang(): void {
    this.hung = true;
  }

  /** Fault injection (or power cycle): lose all state and announce the boot. */
  reboot(): void {
    this.hung = false;
    this.terminal = false;
    this.replay.clear();
    this.queue = [];
    if (this.running?.timer) this.clock.clearTimeout(this.running.timer);
    this.running = null;
    this.resetState();
    this.drawBootId();
    this.send(encodeEvent('BOOT', [formatIdentity(this.identity)]));
  }

  /** Stop timers (the board is switched off). */
  shutdown(): void {
    if (this.telemetryTimer) this.clock.clearTimeout(this.telemetryTimer);
    if (this.running?.timer) this.clock.clearTimeout(this.running.timer);
    this.telemetryTimer = null;
    this.running = null;
    this.hung = true;
  }

  /** 1..2^32-1, never the previous one: equal ids before and after a batch prove no reboot in between. */
  private drawBootId(): void {
    const previous = this.bootId;
    do this.bootId = randomInt(1, 0x1_0000_0000);
    while (this.bootId === previous);
  }

  private resetState(): void {
    const p = this.die.config.profile;
    this.config = { mode: 'osa', levels: p.levels, thresholds: p.thresholds, salientInputBits: p.salientInputBits };
    this.weightsLoaded = false;
    this.vectors = new Int32Array(this.capabilities.vectorCapacity * p.rows);
    this.results.clear();
    this.die.powerUp();
    if (this.telemetryTimer) this.clock.clearTimeout(this.telemetryTimer);
    this.telemetryTimer = null;
  }

  private isAbort(line: string): boolean {
    if (this.terminal) return line.trim().toUpperCase() === 'ABORT';
    const r = parseRequestLine(line);
    return r.ok && r.value.verb === 'ABORT';
  }

  private drain(): void {
    while (!this.running && !this.hung && this.queue.length > 0) this.process(this.queue.shift() as string);
  }

  private process(line: string): void {
    if (this.terminal) {
      if (line.length > MAX_LINE) return this.send('ERR 3 line too long');
      const t = parseTerminalLine(line);
      if (!t.ok) return this.send(`ERR ${ERR.BAD_PARAMETER} ${t.error}`);
      const answer = this.execute(t.value.verb, t.value.args, null, 0);
      if (answer) this.send(this.plain(answer));
      return;
    }
    if (line.trim().toUpperCase() === 'TERM ON') {
      this.terminal = true;
      return this.send('OK TERM ON');
    }
    // a person who typed *IDN? learns what the instrument is, not just that it wants a CRC; a host
    // always frames it, so no session opens and the replay cache stays
    if (line.trim().toUpperCase() === '*IDN?') return this.send(`OK ${formatIdentity(this.identity)}`);
    if (line.length > MAX_LINE) {
      const seq = /^(\d{1,5}) /.exec(line)?.[1];
      return this.send(seq !== undefined ? encodeErr(Number(seq), ERR.LINE_TOO_LONG, `line too long (max ${MAX_LINE})`) : encodeNak('line too long'));
    }
    const r = parseRequestLine(line);
    if (!r.ok) return this.send(encodeNak(r.error));
    const { seq, verb, args } = r.value;
    const crc = crc32Ascii(line);
    // *IDN? opens a session: the answers kept for resends belong to the session before, whose
    // seq numbers a new host will reuse
    if (verb === '*IDN?') this.replay.clear();
    const cached = this.replay.get(seq);
    if (cached && cached.crc === crc) return this.send(cached.answer); // a resend: answer again, do not execute again
    const answer = this.execute(verb, args, seq, crc);
    if (answer) this.answerFramed(seq, crc, answer);
  }

  private answerFramed(seq: number, crc: number, answer: Answer): void {
    const text = 'ok' in answer ? encodeOk(seq, answer.ok) : encodeErr(seq, answer.err, answer.text);
    this.replay.set(seq, { crc, answer: text });
    if (this.replay.size > REPLAY_CACHE) this.replay.delete(this.replay.keys().next().value as number);
    this.send(text);
  }

  private plain(answer: Answer): string {
    return 'ok' in answer ? ['OK', ...answer.ok].join(' ') : `ERR ${answer.err} ${sanitize(answer.text)}`;
  }

  /** Runs one command; null when the answer comes later (a RUN). */
  private execute(verb: string, args: readonly string[], seq: number | null, crc: number): Answer | null {
    const enc: Encoding = this.terminal ? 'D' : 'B';
    try {
      switch (verb) {
        case '*IDN?':
          return { ok: [formatIdentity(this.identity)] };
        case 'BOOT?':
          return { ok: [this.bootId] };
        case 'CAP?':
          return { ok: formatCapabilities(this.capabilities) };
        case 'PING':
          return { ok: [] };
        case 'TERM':
          return this.term(args);
        case 'CFG':
          return this.configure(args);
        case 'CFG?':
          return { ok: formatRunConfig(this.runConfig()) };
        case 'WGT':
          return this.writeWeights(args);
        case 'WGT?':
          return this.readWeights(args, enc);
        case 'VEC':
          return this.loadVectors(args);
        case 'RUN':
          return this.startRun(args, seq, crc);
        case 'RES?':
          return this.readResults(args, enc);
        case 'ABORT':
          return { ok: [] };
        case 'RST':
          this.resetState();
          return { ok: [] };
        case 'TEL':
          return this.telemetry(args);
        default:
          return { err: ERR.UNKNOWN_COMMAND, text: `unknown command ${verb.slice(0, 20)}` };
      }
    } catch (e) {
      if (e instanceof CommandError) return { err: e.code, text: e.message };
      return { err: ERR.BAD_PARAMETER, text: `internal: ${(e as Error).message}` };
    }
  }

  private term(args: readonly string[]): Answer {
    const v = args[0]?.toUpperCase();
    if (v !== 'ON' && v !== 'OFF') throw new CommandError(ERR.BAD_PARAMETER, 'TERM takes ON or OFF');
    this.terminal = v === 'ON';
    return { ok: ['TERM', v] };
  }

  private configure(args: readonly string[]): Answer {
    const r = parseRunConfig(args, this.config);
    if (!r.ok) throw new CommandError(ERR.BAD_PARAMETER, r.error);
    const c = r.value;
    // B and T are checked and kept in every mode, used only by hcim: a bench engineer may set them
    // before switching to hcim, and a mode switched away and back finds them as they were
    const top = this.capabilities.inputBits + this.capabilities.weightBits - 1;
    if (c.boundary !== undefined && c.boundary > top)
      throw new CommandError(ERR.BAD_PARAMETER, `B (boundary) must be an integer in 0..${top} (BX+BW-1), got ${c.boundary}`);
    if (c.skip !== undefined && c.skip > (c.boundary ?? top)) {
      throw new CommandError(ERR.BAD_PARAMETER, `T (skip) must be an integer in 0..${c.boundary ?? top} (${c.boundary === undefined ? 'BX+BW-1' : 'B'}), got ${c.skip}`);
    }
    try {
      const p = boardProfile(this.capabilities, c);
      const used = this.runConfig(c);
      resolveMode(p, { mode: used.mode, boundary: used.boundary, skip: used.skip });
    } catch (e) {
      throw new CommandError(ERR.BAD_PARAMETER, configKeyNames((e as Error).message.replace(/\n\s*/g, ' ')));
    }
    this.config = c;
    return { ok: formatRunConfig(this.runConfig(c)) };
  }

  /** The configuration a RUN uses and CFG? shows: B and T only in hcim. */
  private runConfig(c: BoardRunConfig = this.config): BoardRunConfig {
    return c.mode === 'hcim' ? c : { ...c, boundary: undefined, skip: undefined };
  }

  private uint(value: string | undefined, name: string, max: number): number {
    if (value === undefined || !/^\d{1,9}$/.test(value) || Number(value) > max) {
      throw new CommandError(ERR.BAD_PARAMETER, `${name} must be an integer in 0..${max}, got ${value ?? 'nothing'}`);
    }
    return Number(value);
  }

  private encoding(value: string | undefined): Encoding {
    if (!isEncoding(value)) throw new CommandError(ERR.BAD_DATA, `encoding must be B or D, got ${value ?? 'nothing'}`);
    return value;
  }

  private rowRange(args: readonly string[]): [number, number] {
    const { rows } = this.capabilities;
    const first = this.uint(args[0], 'first row', rows - 1);
    const count = this.uint(args[1], 'row count', rows);
    if (count < 1 || first + count > rows) throw new CommandError(ERR.BAD_PARAMETER, `rows ${first}..${first + count - 1} exceed 0..${rows - 1}`);
    return [first, count];
  }

  private writeWeights(args: readonly string[]): Answer {
    const [first, count] = this.rowRange(args);
    const enc = this.encoding(args[2]);
    const data = decodeInts(args[3] ?? '', enc, count * this.capabilities.outputs, weightFormat(this.capabilities.weightBits));
    if (!data.ok) throw new CommandError(ERR.BAD_DATA, `weights: ${data.error}`);
    this.die.writeWeights(first, count, data.value);
    this.weightsLoaded = true;
    return { ok: [first, count] };
  }

  private readWeights(args: readonly string[], enc: Encoding): Answer {
    const [first, count] = this.rowRange(args);
    return { ok: [first, count, enc, encodeInts(this.die.readWeights(first, count), weightFormat(this.capabilities.weightBits), enc)] };
  }

  private loadVectors(args: readonly string[]): Answer {
    const { vectorCapacity, rows, inputBits } = this.capabilities;
    const slot = this.uint(args[0], 'slot', vectorCapacity - 1);
    const count = this.uint(args[1], 'vector count', vectorCapacity);
    if (count < 1 || slot + count > vectorCapacity) {
      throw new CommandError(ERR.OVERFLOW, `slots ${slot}..${slot + count - 1} exceed the vector memory (${vectorCapacity})`);
    }
    const enc = this.encoding(args[2]);
    // by hand (D, one vector) a person may type fewer than N inputs: the rest are zero
    const data = decodeInts(args[3] ?? '', enc, count * rows, vectorFormat(inputBits), enc === 'D' && count === 1);
    if (!data.ok) throw new CommandError(ERR.BAD_DATA, `vectors: ${data.error}`);
    // a batch not fully evaluated still reads the vectors it ran: it takes a copy before they change
    for (const kept of this.results.values()) if (kept.run && !kept.run.complete && kept.slots[0] < slot + count && slot < kept.slots[1]) kept.run.keepVectors();
    this.vectors.set(data.value, slot * rows);
    return { ok: [slot, count] };
  }

  private startRun(args: readonly string[], seq: number | null, crc: number): Answer | null {
    const { vectorCapacity, resultCapacity } = this.capabilities;
    const batch = this.uint(args[0], 'batch', 0xffffffff);
    const slot = this.uint(args[1], 'slot', vectorCapacity - 1);
    const count = this.uint(args[2], 'vector count', vectorCapacity);
    const repeat = args[3] === undefined ? 1 : this.uint(args[3], 'repeat', 1_000_000);
    if (count < 1 || slot + count > vectorCapacity) throw new CommandError(ERR.OVERFLOW, `slots ${slot}..${slot + count - 1} exceed the vector memory`);
    if (repeat < 1) throw new CommandError(ERR.BAD_PARAMETER, 'repeat must be >= 1');
    if (count * repeat > resultCapacity) {
      throw new CommandError(ERR.OVERFLOW, `${count * repeat} results exceed the result memory (${resultCapacity})`);
    }
    if (!this.weightsLoaded) throw new CommandError(ERR.NOT_CONFIGURED, 'no weights written since reset');
    const profile = this.die.config.profile;
    const burstMs = (count * repeat * profile.inputBits) / profile.clockMHz / 1000;
    const burst: RunningBurst = { seq, requestCrc: crc, batch, slot, count, repeat, startedAt: this.clock.now(), burstMs, config: this.runConfig(), timer: null };
    this.running = burst;
    // a burst shorter than a millisecond is over before any line could arrive behind it
    if (burstMs < 1) {
      this.finishBurst(false);
      return null;
    }
    burst.timer = this.clock.setTimeout(() => {
      burst.timer = null;
      this.finishBurst(false);
      this.drain();
    }, burstMs);
    return null;
  }

  private finishBurst(aborted: boolean): void {
    const b = this.running;
    if (!b) return;
    if (b.timer) this.clock.clearTimeout(b.timer);
    this.running = null;
    const total = b.count * b.repeat;
    const done = aborted ? Math.min(total, Math.floor((total * (this.clock.now() - b.startedAt)) / b.burstMs)) : total;
    const rows = this.capabilities.rows;
    const vectors = this.vectors.subarray(b.slot * rows, (b.slot + b.count) * rows);
    // the report now, the results when RES? asks for them: no answer waits for the whole die model
    const lazy = done > 0 ? this.die.startRun(vectors, b.count, done, b.config) : null;
    const run = lazy ?? this.die.burstPower(0, { VDD_DIG: 0, VDD_ANA: 0, VDD_SRAM: 0 });
    this.results.set(b.batch, { run: lazy, slots: [b.slot, b.slot + b.count], total: done, layout: resultLayout(this.capabilities, b.config) });
    while (this.results.size > KEPT_BATCHES) this.results.delete(this.results.keys().next().value as number);
    const report: RunReport = { batch: b.batch, vectors: done, aborted, burstUs: run.burstUs, dieTempC: run.dieTempC, railMw: run.railMw };
    const answer: Answer = { ok: formatRunReport(report) };
    if (b.seq === null) this.send(this.plain(answer));
    else this.answerFramed(b.seq, b.requestCrc, answer);
  }

  private readResults(args: readonly string[], enc: Encoding): Answer {
    const batch = this.uint(args[0], 'batch', 0xffffffff);
    const kept = this.results.get(batch);
    if (!kept) throw new CommandError(ERR.NO_RESULTS, `no results for batch ${batch} (the board keeps the last ${KEPT_BATCHES})`);
    const from = this.uint(args[1], 'first vector', kept.total);
    const count = this.uint(args[2], 'vector count', kept.total);
    if (from + count > kept.total) throw new CommandError(ERR.BAD_PARAMETER, `vectors ${from}..${from + count - 1} exceed the ${kept.total} results of batch ${batch}`);
    // the result line is at most MAX_LINE, so a RES? evaluates at most a chunk or two of the die model
    if (count * this.capabilities.outputs * 3 > MAX_LINE) throw new CommandError(ERR.OVERFLOW, `${count} results do not fit one line; ask for fewer`);
    const block = kept.run ? kept.run.block(from, count) : allocateResultBlock(0, 0, this.capabilities.outputs, this.die.geometry.planes);
    const data = encodeResults(block, 0, count, kept.layout, enc);
    if (data.length + 64 > MAX_LINE) throw new CommandError(ERR.OVERFLOW, `${count} results do not fit one line; ask for fewer`);
    return { ok: [batch, from, count, enc, data] };
  }

  private telemetry(args: readonly string[]): Answer {
    const ms = this.uint(args[0], 'period ms', 3_600_000);
    if (ms !== 0 && ms < MIN_TELEMETRY_MS) throw new CommandError(ERR.BAD_PARAMETER, `period must be 0 (off) or >= ${MIN_TELEMETRY_MS} ms`);
    if (this.telemetryTimer) this.clock.clearTimeout(this.telemetryTimer);
    this.telemetryTimer = null;
    const tick = () => {
      const idle = this.die.burstPower(0, { VDD_DIG: 0, VDD_ANA: 0, VDD_SRAM: 0 });
      const fields = formatTelemetry({ uptimeMs: this.clock.now() - this.bootedAt, dieTempC: idle.dieTempC, railMw: idle.railMw });
      if (!this.hung) this.send(this.terminal ? ['!', 'TEL', ...fields].join(' ') : encodeEvent('TEL', fields));
      this.telemetryTimer = this.clock.setTimeout(tick, ms);
    };
    if (ms > 0) this.telemetryTimer = this.clock.setTimeout(tick, ms);
    return { ok: [ms] };
  }
}

/** Error texts of the die model name its fields; a person at the board typed the CFG keys. */
function configKeyNames(text: string): string {
  return text
    .replace(/^board configuration: invalid die profile: /, '')
    .replace(/\blevels\.(\d+)\.boundary\b/g, 'LEVELS (level $1, b)')
    .replace(/\blevels\.(\d+)\.skip\b/g, 'LEVELS (level $1, t)')
    .replace(/\bthresholds\.(\d+)/g, 'THR (threshold $1)')
    .replace(/\bthresholds:/g, 'THR:')
    .replace(/\blevels:/g, 'LEVELS:')
    .replace(/\bsalientInputBits\b/g, 'SX')
    .replace(/\binputBits\b/g, 'BX')
    .replace(/^boundary:/, 'B (boundary):')
    .replace(/^skip:/, 'T (skip):');
}
