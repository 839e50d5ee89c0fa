-- A vector set is stored chunk by chunk under a row with no hash yet. The row now records the
-- process storing it, so a store opened after that process died drops a set that will never be
-- finished (and its chunks, by the cascade) instead of keeping it forever.
ALTER TABLE vector_sets ADD COLUMN owner_pid INTEGER;
