CREATE TABLE IF NOT EXISTS streak_milestones
(
    streak VARCHAR NOT NULL,
    length BIGINT NOT NULL,
    user_id VARCHAR NOT NULL,
    period DATE NOT NULL,
    ts TIMESTAMP NOT NULL,
    event_id VARCHAR NOT NULL,
    tz VARCHAR NOT NULL,
    local_date DATE NOT NULL,
    seq UBIGINT NOT NULL,
    PRIMARY KEY (streak, length, user_id, period)
)
