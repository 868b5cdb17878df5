CREATE TABLE IF NOT EXISTS leaderboard_final
(
    board VARCHAR NOT NULL,
    run DATE NOT NULL,
    grp VARCHAR NOT NULL,
    rank UINTEGER NOT NULL,
    user_id VARCHAR NOT NULL,
    score DECIMAL(38, 6) NOT NULL,
    last_change TIMESTAMP NOT NULL,
    participants UBIGINT NOT NULL,
    PRIMARY KEY (board, run, grp, rank)
)
;
CREATE TABLE IF NOT EXISTS leaderboard_runs
(
    board VARCHAR NOT NULL,
    run DATE NOT NULL,
    finalized_at TIMESTAMP NOT NULL,
    as_of TIMESTAMP NOT NULL,
    watermark_us BIGINT NOT NULL,
    points_seq UBIGINT NOT NULL,
    participants UBIGINT NOT NULL,
    late UBIGINT NOT NULL,
    version UBIGINT NOT NULL,
    PRIMARY KEY (board, run)
)
