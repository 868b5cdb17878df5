CREATE TABLE IF NOT EXISTS leaderboard_snapshot
(
    board VARCHAR NOT NULL,
    run DATE NOT NULL,
    snap UBIGINT NOT NULL,
    rank UINTEGER NOT NULL,
    user_id VARCHAR NOT NULL,
    score DECIMAL(38, 6) NOT NULL,
    last_change TIMESTAMP NOT NULL,
    PRIMARY KEY (board, run, snap, rank)
)
;
CREATE TABLE IF NOT EXISTS leaderboard_snapshot_runs
(
    board VARCHAR NOT NULL,
    run DATE NOT NULL,
    snap UBIGINT NOT NULL,
    as_of TIMESTAMP NOT NULL,
    watermark_us BIGINT NOT NULL,
    points_seq UBIGINT NOT NULL,
    complete UTINYINT NOT NULL,
    PRIMARY KEY (board, run)
)
