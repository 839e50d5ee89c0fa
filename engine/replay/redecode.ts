// Re-decoding (docs/replay-compare.md): a run's raw wire lines, as the store kept them per batch,
// decoded again by today's protocol code (frames, RES? answers, RUN reports) and held against its
// stored blocks: a check of the log and the store against each other, and the way to recover data
// a future bug mis-stored. Each block is equal, differing (the first difference named), missing
// (no wire log kept) or undecodable (the log does not hold the block's results whole).
import type { RedecodeReport } from '../../shared/api/compare';
import { allocateResultBlock, decodeResults, resultLayout, type ResultBlock, type ResultLayout } from '../../shared/protocol/data-blocks';
import { parseBoardLine } from '../../shared/protocol/frame';
import { parseRunReport, type BoardCapabilities, type RunReport } from '../../shared/protocol/payloads';
import type { WireLines } from '../../drivers/transport/recording';
import { boardRunConfig } from '../run/board-setup';
import type { BlockSummaryRecord, RunStore, StoredBlock } from '../store/run-store';
import { readStoredRun } from '../store/stored-run';
import { measuredAdcBits, readBlock } from './stored-blocks';

/** What one block's wire lines decode to: each batch's results (by board batch id) and RUN reports. */
interface Decoded {
  readonly results: Map<number, { parts: ResultBlock[]; error: string | null }>;
  readonly reports: Map<number, RunReport>;
}

export function redecodeRun(store: RunStore, ref: string | number): RedecodeReport {
  const s = readStoredRun(store, ref);
  const { profile, config } = s;
  const runId = s.row.id;
  // the board the run had, as far as a result record's layout goes
  const caps: BoardCapabilities = {
    rows: profile.rows,
    outputs: profile.outputs,
    inputBits: profile.inputBits,
    weightBits: profile.weightBits,
    adcBits: measuredAdcBits(s.row, profile.adcBits),
    vectorCapacity: 1,
    resultCapacity: 1,
    window: 1,
    maxLine: 1 << 20,
    clockMHz: profile.clockMHz,
  };
  const layout = resultLayout(caps, boardRunConfig(profile, config));
  const problems: RedecodeReport['problems'] = [];
  const count = { equal: 0, differing: 0, missing: 0, undecodable: 0 };
  let previous: Decoded | null = null;
  const summaries = store.blockSummaries(runId);
  for (const summary of summaries) {
    const problem = (status: 'differing' | 'missing' | 'undecodable', detail: string) => {
      count[status]++;
      problems.push({ block: summary.block, firstVector: summary.firstVector, vectors: summary.vectors, status, detail });
    };
    let lines: WireLines | null;
    try {
      lines = store.wireLines(runId, summary.block);
    } catch (e) {
      problem('undecodable', `the wire log does not read: ${(e as Error).message}`);
      previous = null;
      continue;
    }
    if (!lines) {
      problem('missing', 'no wire log was kept for this batch');
      previous = null;
      continue;
    }
    const decoded = decode(lines, layout);
    const outcome = check(readBlock(store, runId, summary), summary, decoded, previous, layout);
    previous = decoded;
    if (outcome === null) count.equal++;
    else problem(outcome.status, outcome.detail);
  }
  return { runId, blocks: summaries.length, ...count, problems };
}

/**
 * The board's answers in a batch's lines, told apart by their shape, which the protocol fixes
 * (section 4): a RUN report starts `BATCH=`, a RES? answer is `<batch> <from> <count> <enc> <data>`.
 * Sequence numbers are not needed: a batch's RUN may go out in the lines of the batch before.
 */
function decode(lines: WireLines, layout: ResultLayout): Decoded {
  const results: Decoded['results'] = new Map();
  const reports: Decoded['reports'] = new Map();
  for (const line of lines.toHost) {
    const parsed = parseBoardLine(line);
    if (!parsed.ok || parsed.value.kind !== 'ok') continue;
    const { fields } = parsed.value;
    if (fields[0]?.startsWith('BATCH=')) {
      const report = parseRunReport(fields);
      if (report.ok) reports.set(report.value.batch, report.value);
      continue;
    }
    const [batchText, fromText, countText, enc, data] = fields;
    if (fields.length !== 5 || (enc !== 'B' && enc !== 'D') || ![batchText, fromText, countText].every((t) => /^\d+$/.test(t ?? ''))) continue;
    const batch = Number(batchText);
    const from = Number(fromText);
    const n = Number(countText);
    const entry = results.get(batch) ?? { parts: [], error: null };
    results.set(batch, entry);
    const part = decodeResults(data ?? '', enc, from, n, layout);
    if (part.ok) entry.parts.push(part.value);
    else entry.error ??= `RES? answer for results ${from}..${from + n - 1} of batch ${batch}: ${part.error}`;
  }
  return { results, reports };
}

/** null when the wire lines hold exactly the stored block; else what differs. */
function check(
  stored: StoredBlock,
  summary: BlockSummaryRecord,
  decoded: Decoded,
  previous: Decoded | null,
  layout: ResultLayout,
): { status: 'differing' | 'undecodable'; detail: string } | null {
  const records = stored.vectors * stored.repeat;
  // the batch whose results these lines carry whole
  let found: { batch: number; block: ResultBlock } | null = null;
  const errors: string[] = [];
  for (const [batch, entry] of decoded.results) {
    if (entry.error) errors.push(entry.error);
    const block = allocateResultBlock(0, records, layout.outputs, layout.planes);
    const seen = new Uint8Array(records);
    let fits = true;
    for (const part of entry.parts) {
      if (part.first + part.count > records) {
        fits = false;
        break;
      }
      const at = part.first * layout.outputs;
      block.digital.set(part.digital, at);
      block.saliency.set(part.saliency, at);
      block.level.set(part.level, at);
      block.codes.set(part.codes, at * layout.planes);
      seen.fill(1, part.first, part.first + part.count);
    }
    if (fits && seen.every((v) => v === 1)) {
      found = { batch, block };
      break;
    }
  }
  if (!found) {
    const why =
      errors.length > 0 ? errors.join('; ') : decoded.results.size === 0 ? 'no RES? answer in the wire log' : `no batch's RES? answers cover its ${records} results`;
    return { status: 'undecodable', detail: why };
  }
  const b = found.block;
  const mac = (k: number) => {
    const record = Math.floor(k / stored.outputs);
    return `vector ${stored.firstVector + (record % stored.vectors)}, output ${k % stored.outputs}${stored.repeat > 1 ? `, repeat ${Math.floor(record / stored.vectors)}` : ''}`;
  };
  for (const [name, wire, kept] of [
    ['digital sum', b.digital, stored.digital],
    ['saliency', b.saliency, stored.saliency],
    ['level', b.level, stored.level],
  ] as const) {
    if (wire.length !== kept.length) return { status: 'differing', detail: `${name}: ${kept.length} stored, ${wire.length} on the wire` };
    for (let k = 0; k < wire.length; k++)
      if (!Object.is(wire[k], kept[k])) return { status: 'differing', detail: `${name} of ${mac(k)}: stored ${kept[k]}, on the wire ${wire[k]}` };
  }
  if (b.codes.length !== stored.codes.length) return { status: 'differing', detail: `codes: ${stored.codes.length} stored, ${b.codes.length} on the wire` };
  for (let k = 0; k < b.codes.length; k++) {
    if (b.codes[k] !== stored.codes[k])
      return {
        status: 'differing',
        detail: `ADC code of plane ${k % layout.planes} of ${mac(Math.floor(k / layout.planes))}: stored ${stored.codes[k]}, on the wire ${b.codes[k]}`,
      };
  }
  // the batch's RUN report, in these lines or (the next burst starts before a batch commits) the block before's
  const report = decoded.reports.get(found.batch) ?? previous?.reports.get(found.batch);
  if (report) {
    const p = summary.power;
    const wire = {
      burstUs: report.burstUs,
      dieTempC: report.dieTempC,
      vddDigMw: report.railMw.VDD_DIG,
      vddAnaMw: report.railMw.VDD_ANA,
      vddSramMw: report.railMw.VDD_SRAM,
    };
    for (const k of Object.keys(wire) as (keyof typeof wire)[])
      if (wire[k] !== p[k]) return { status: 'differing', detail: `power ${k}: stored ${p[k]}, on the wire ${wire[k]}` };
  }
  return null;
}
