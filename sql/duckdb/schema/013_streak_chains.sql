CREATE TABLE IF NOT EXISTS streak_chains
(
    streak VARCHAR NOT NULL,
    user_id VARCHAR NOT NULL,
    has_chain BOOLEAN NOT NULL,
    length BIGINT,
    longest BIGINT,
    balance BIGINT,
    started DATE,
    last_period DATE,
    last_zone VARCHAR,
    last_start_ms BIGINT,
    last_end_ms BIGINT,
    last_ord BIGINT,
    freezes_used BIGINT,
    version UBIGINT NOT NULL,
    PRIMARY KEY (streak, user_id)
)
