-- The benchmark's HTTP floor (docs/BENCHMARKS.md): one event-shaped row per call of POST /api/bench/floor, the same
-- columns as the raw PostgreSQL baseline's table. The route exists only with careloop.bench.floor=true; the table is
-- empty otherwise, and the benchmark empties it before its floor phase.
CREATE TABLE bench_floor_event (
    id           BIGSERIAL   PRIMARY KEY,
    aggregate_id TEXT        NOT NULL,
    seq          BIGINT      NOT NULL,
    payload      BYTEA       NOT NULL,
    meta         BYTEA       NOT NULL,
    ts           TIMESTAMPTZ NOT NULL
);
