// The figures spec section 6 gives for the ideal model on the relu workload with the default
// profile (4000 random vectors). A different random sample moves them by about +-1 dB.

export const SPEC_HCIM_SNR_DB: readonly { readonly boundary: number; readonly snrDb: number | null }[] = [
  { boundary: 0, snrDb: null },
  { boundary: 4, snrDb: 61 },
  { boundary: 6, snrDb: 47 },
  { boundary: 8, snrDb: 33.5 },
  { boundary: 9, snrDb: 27.4 },
  { boundary: 10, snrDb: 21.7 },
  { boundary: 11, snrDb: 16.2 },
  { boundary: 12, snrDb: 10.9 },
  { boundary: 14, snrDb: 1.9 },
];

export const SPEC_OSA = {
  levelMix: [0.43, 0.28, 0.2, 0.09],
  snrDbPerLevel: [15, 18, 27, 37],
  snrDb: 17,
  meanPlanes: { digital: 15.2, analog: 43.6, skipped: 5.2 },
  gainVsDcim: 1.95,
  dcimTopsPerWatt: 10,
} as const;
