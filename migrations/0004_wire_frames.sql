-- Schema 4: wire lines of new batches are stored in the 'frames' format (engine/store/wire-codec.ts,
-- docs/data-model.md): each line's frame text apart from its base64 payload, the payload as the
-- bytes it encodes, a VEC payload that repeats the run's vector set as a reference to it, every
-- line checked to come back byte for byte. Rows logged before keep their encoding ('text' or
-- 'deflate') and their bytes: the table is rebuilt only to let the CHECK name the new encoding.
CREATE TABLE wire_log_frames (
  run_id     INTEGER NOT NULL REFERENCES runs(id),
  block      INTEGER NOT NULL,
  to_board   BLOB NOT NULL,                      -- as `encoding` says
  to_host    BLOB NOT NULL,
  encoding   TEXT NOT NULL DEFAULT 'text' CHECK (encoding IN ('text', 'deflate', 'frames')),
  PRIMARY KEY (run_id, block)
);

INSERT INTO wire_log_frames (run_id, block, to_board, to_host, encoding) SELECT run_id, block, to_board, to_host, encoding FROM wire_log;
DROP TABLE wire_log;
ALTER TABLE wire_log_frames RENAME TO wire_log;
