CREATE TABLE IF NOT EXISTS job_locks
(
    job VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    host VARCHAR NOT NULL,
    pid UINTEGER NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    released UTINYINT NOT NULL,
    version UBIGINT NOT NULL,
    PRIMARY KEY (job, run_id)
)
