-- Schema 7: a covering index of the block summaries. A summary's columns sit after the block's
-- blob in its row (and sample_json, added by schema 6, after that), so reading a run's summaries
-- from the table walks every blob's overflow pages: about 0.3-0.9 s for a 1,000,000-vector run.
-- Read from this index (run.read, runs show, compare, export's headers), they take tens of ms.
CREATE INDEX result_blocks_summary ON result_blocks (
  run_id, block, first_vector, vectors, repeat_count, outputs, planes, macs, digital_mismatches, level_agreements, signal_sq, error_sq, model_error_sq,
  yhat_residual_min, yhat_residual_max, code_residual_count, code_residual_sum, code_residual_sq, code_residual_min, code_residual_max, model_energy_pj,
  committed_at, sample_json
);
