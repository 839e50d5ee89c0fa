-- Schema 3: a result block keeps only what the board measured, packed into one blob (`data`,
-- engine/store/block-codec.ts, docs/data-model.md): D, S, level and the codes of the analog
-- planes only, deflated. The model's expectation (model_yhat, model_level, exact) and yhat are no
-- longer stored: they follow from the vector set, weights, profile and configuration, and are
-- recomputed on read (engine/store/block-reader.ts). The per-block summaries stay as columns.
CREATE TABLE result_blocks_packed (
  run_id        INTEGER NOT NULL REFERENCES runs(id),
  block         INTEGER NOT NULL,
  first_vector  INTEGER NOT NULL,
  vectors       INTEGER NOT NULL,
  repeat_count  INTEGER NOT NULL,
  outputs       INTEGER NOT NULL,
  planes        INTEGER NOT NULL,
  data          BLOB NOT NULL,                   -- the measured values, block-codec format
  macs                INTEGER NOT NULL,
  digital_mismatches  INTEGER NOT NULL,
  level_agreements    INTEGER NOT NULL,
  signal_sq           REAL NOT NULL,
  error_sq            REAL NOT NULL,
  model_error_sq      REAL NOT NULL,
  yhat_residual_min   REAL NOT NULL,
  yhat_residual_max   REAL NOT NULL,
  code_residual_count INTEGER NOT NULL,
  code_residual_sum   REAL NOT NULL,
  code_residual_sq    REAL NOT NULL,
  code_residual_min   INTEGER NOT NULL,
  code_residual_max   INTEGER NOT NULL,
  model_energy_pj     REAL NOT NULL,
  committed_at        TEXT NOT NULL,
  PRIMARY KEY (run_id, block)
);

-- convert: packed-blocks (engine/store/migrate.ts fills result_blocks_packed from result_blocks here)

DROP TABLE result_blocks;
ALTER TABLE result_blocks_packed RENAME TO result_blocks;

-- Wire lines of new batches are deflated (raw deflate of the lines joined by '\n', stored as
-- BLOBs); rows logged before keep their text.
ALTER TABLE wire_log ADD COLUMN encoding TEXT NOT NULL DEFAULT 'text' CHECK (encoding IN ('text', 'deflate'));

-- Vector set chunks may be deflated (raw deflate of the chunk's bytes in its encoding).
ALTER TABLE vector_set_chunks ADD COLUMN deflated INTEGER NOT NULL DEFAULT 0 CHECK (deflated IN (0, 1));
