-- OSA-Bench store, schema 1 (docs/data-model.md). Applied in one transaction; PRAGMA user_version
-- is set by the migration runner.

CREATE TABLE sessions (
  id            INTEGER PRIMARY KEY,
  guid          TEXT NOT NULL UNIQUE,
  operator      TEXT,
  bench         TEXT,
  board_vendor  TEXT,
  board_serial  TEXT,
  board_firmware TEXT,
  bitstream     TEXT,
  die_id        TEXT,
  ambient_c     REAL,
  notes         TEXT,
  started_at    TEXT NOT NULL,
  ended_at      TEXT
);

-- Immutable, content-addressed stimulus: stored once, referenced by hash. A vector set is stored
-- in chunks (a million vectors would not fit one blob); hash is NULL until every chunk is in.
CREATE TABLE vector_sets (
  id          INTEGER PRIMARY KEY,
  hash        TEXT UNIQUE,               -- sha256:... of the canonical encoding (docs/model.md)
  rows        INTEGER NOT NULL,          -- vectors
  cols        INTEGER NOT NULL,          -- inputs per vector (N)
  generator   TEXT,                      -- e.g. relu, or the file it came from
  seed        INTEGER,
  created_at  TEXT NOT NULL
);

CREATE TABLE vector_set_chunks (
  set_id        INTEGER NOT NULL REFERENCES vector_sets(id) ON DELETE CASCADE,
  first_vector  INTEGER NOT NULL,
  vectors       INTEGER NOT NULL,
  encoding      TEXT NOT NULL CHECK (encoding IN ('u8', 'u16', 'i32')),  -- the narrowest that holds the inputs
  data          BLOB NOT NULL,           -- row-major, little-endian
  PRIMARY KEY (set_id, first_vector)
);

CREATE TABLE weight_sets (
  hash        TEXT PRIMARY KEY,
  rows        INTEGER NOT NULL,          -- N
  cols        INTEGER NOT NULL,          -- M
  data        BLOB NOT NULL,             -- int32 little-endian, row-major
  generator   TEXT,
  seed        INTEGER,
  created_at  TEXT NOT NULL
);

-- ADC gain and offset per physical column (m * BW + j), as measured by a transfer-curve procedure.
CREATE TABLE calibrations (
  id            INTEGER PRIMARY KEY,
  guid          TEXT NOT NULL UNIQUE,
  die_id        TEXT NOT NULL,
  source_run_id INTEGER REFERENCES runs(id),
  gain          BLOB NOT NULL,           -- float64 per column
  offset_lsb    BLOB NOT NULL,           -- float64 per column
  created_at    TEXT NOT NULL,
  notes         TEXT
);

CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  guid            TEXT NOT NULL UNIQUE,
  session_id      INTEGER REFERENCES sessions(id),
  parent_id       INTEGER REFERENCES runs(id),     -- a sweep's child runs point at the sweep
  kind            TEXT NOT NULL,                   -- 'run', or a procedure name
  label           TEXT,
  state           TEXT NOT NULL CHECK (state IN ('running', 'completed', 'aborted', 'failed', 'interrupted')),
  state_reason    TEXT,
  owner_pid       INTEGER,                         -- the process running it, to find runs a crash left behind
  mode            TEXT,
  config_json     TEXT NOT NULL,                   -- mode, boundary, skip, repeat, batch size, profile
  provenance_json TEXT NOT NULL,                   -- app, model, board, die, sets, calibration: everything to reproduce it
  vector_set      TEXT REFERENCES vector_sets(hash),
  weight_set      TEXT REFERENCES weight_sets(hash),
  calibration_id  INTEGER REFERENCES calibrations(id),
  vectors_total   INTEGER NOT NULL,
  vectors_done    INTEGER NOT NULL DEFAULT 0,      -- committed, contiguous from 0
  repeat_count    INTEGER NOT NULL DEFAULT 1,
  summary_json    TEXT,                            -- the run's figures, when it ends
  started_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  ended_at        TEXT
);
CREATE INDEX runs_by_start ON runs (started_at);
CREATE INDEX runs_by_parent ON runs (parent_id);

-- One row per batch, not per value: typed-array blobs, little-endian, one entry per MAC
-- (vector-major: index = (vector - first_vector) * outputs + output), or per MAC and plane.
CREATE TABLE result_blocks (
  run_id        INTEGER NOT NULL REFERENCES runs(id),
  block         INTEGER NOT NULL,                -- 0, 1, ... in vector order
  first_vector  INTEGER NOT NULL,
  vectors       INTEGER NOT NULL,
  repeat_count  INTEGER NOT NULL,                -- results hold vectors x repeat records
  outputs       INTEGER NOT NULL,
  planes        INTEGER NOT NULL,
  digital       BLOB NOT NULL,                   -- int32: measured D
  saliency      BLOB NOT NULL,                   -- int32: measured S
  level         BLOB NOT NULL,                   -- uint8: measured level
  codes         BLOB NOT NULL,                   -- int8 per MAC and plane: ADC code, -1 where not analog
  yhat          BLOB NOT NULL,                   -- float64: measured D + A * N / L
  model_yhat    BLOB NOT NULL,                   -- float64: the model's yhat
  model_level   BLOB NOT NULL,                   -- uint8
  exact         BLOB NOT NULL,                   -- float64: the exact dot product
  -- per-block summaries, for overviews without reading blobs
  macs                INTEGER NOT NULL,
  digital_mismatches  INTEGER NOT NULL,          -- MACs whose D differs from the model's (defect or link error)
  level_agreements    INTEGER NOT NULL,
  signal_sq           REAL NOT NULL,             -- sum exact^2
  error_sq            REAL NOT NULL,             -- sum (yhat - exact)^2
  model_error_sq      REAL NOT NULL,             -- sum (model_yhat - exact)^2
  yhat_residual_min   REAL NOT NULL,             -- yhat - model_yhat
  yhat_residual_max   REAL NOT NULL,
  code_residual_count INTEGER NOT NULL,          -- analog codes compared
  code_residual_sum   REAL NOT NULL,             -- sum (code - model code), LSB
  code_residual_sq    REAL NOT NULL,
  code_residual_min   INTEGER NOT NULL,
  code_residual_max   INTEGER NOT NULL,
  model_energy_pj     REAL NOT NULL,
  committed_at        TEXT NOT NULL,
  PRIMARY KEY (run_id, block)
);

-- Rail power of each batch's timed burst.
CREATE TABLE power (
  run_id       INTEGER NOT NULL REFERENCES runs(id),
  block        INTEGER NOT NULL,
  burst_us     REAL NOT NULL,
  die_temp_c   REAL NOT NULL,
  vdd_dig_mw   REAL NOT NULL,
  vdd_ana_mw   REAL NOT NULL,
  vdd_sram_mw  REAL NOT NULL,
  PRIMARY KEY (run_id, block)
);

-- Idle telemetry between runs.
CREATE TABLE telemetry (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER REFERENCES sessions(id),
  at          TEXT NOT NULL,
  die_temp_c  REAL NOT NULL,
  vdd_dig_mw  REAL NOT NULL,
  vdd_ana_mw  REAL NOT NULL,
  vdd_sram_mw REAL NOT NULL
);

-- Raw wire lines of each batch, both directions, so a run can be decoded again later.
CREATE TABLE wire_log (
  run_id     INTEGER NOT NULL REFERENCES runs(id),
  block      INTEGER NOT NULL,
  to_board   TEXT NOT NULL,                      -- lines joined by '\n'
  to_host    TEXT NOT NULL,
  PRIMARY KEY (run_id, block)
);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER REFERENCES runs(id),
  session_id  INTEGER REFERENCES sessions(id),
  at          TEXT NOT NULL,
  kind        TEXT NOT NULL,                     -- connect, disconnect, retry, fault, reboot, resume, ...
  detail      TEXT
);
CREATE INDEX events_by_run ON events (run_id);

CREATE TABLE tags (
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  tag     TEXT NOT NULL,
  PRIMARY KEY (run_id, tag)
);

CREATE TABLE notes (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  at      TEXT NOT NULL,
  text    TEXT NOT NULL
);
