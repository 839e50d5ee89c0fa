-- Schema 6: each block keeps its live sample beside its figures (shared/analysis/block-sample.ts):
-- (exact, measured yhat) of up to 64 of its MACs, picked by a fixed rule, and its residual
-- histograms (the ADC code residual per LSB, the yhat error per signed octave), as JSON
-- (blockSampleSchema, shared/api/figures.ts). Blocks logged before have none (NULL).
ALTER TABLE result_blocks ADD COLUMN sample_json TEXT;
