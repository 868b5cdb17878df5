CREATE TABLE IF NOT EXISTS job_runs
(
    run_id VARCHAR NOT NULL,
    job VARCHAR NOT NULL,
    as_of TIMESTAMP NOT NULL,
    started TIMESTAMP NOT NULL,
    finished TIMESTAMP,
    status VARCHAR NOT NULL,
    rows UBIGINT NOT NULL,
    error VARCHAR NOT NULL,
    version UBIGINT NOT NULL
)
