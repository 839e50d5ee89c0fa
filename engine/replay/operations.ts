// What the Bench service offers for logged runs (issue 11), in one place for its one import:
// replay, re-score, re-measure, re-decode, and the comparisons (engine/compare).
export { replayRun, type ReplayControls, type ReplayHandle, type ReplayOptions, type ReplaySummary } from './replay';
export { planRescore, startRescore, type RescoreRequest } from './rescore';
export { remeasureRequest, type RemeasureOptions } from './remeasure';
export { redecodeRun } from './redecode';
export { compareRun, type CompareRunOptions } from '../compare/compare-run';
export { compareRuns } from '../compare/compare-runs';
