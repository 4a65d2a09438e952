-- PostgreSQL twin of migrations/0021_gate_calibration.sql
-- The suggestion gate calibrated per language: the confidence that at most 5% of a set of
-- off-topic questions reach against these articles with this model. Keyed by a signature of
-- the model, the articles' vectors and the question set, beside the vector cache, so a
-- restart with the same knowledge base reuses it and any change computes it again.
CREATE TABLE gate_calibration (
    signature   TEXT PRIMARY KEY,
    language    TEXT NOT NULL,
    threshold   DOUBLE PRECISION NOT NULL,
    questions   BIGINT NOT NULL,
    shown       BIGINT NOT NULL,    -- off-topic questions at or above the threshold
    computed_at TEXT NOT NULL
);
