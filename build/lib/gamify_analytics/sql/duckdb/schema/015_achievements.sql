CREATE TABLE IF NOT EXISTS achievements
(
    achievement VARCHAR NOT NULL,
    user_id VARCHAR NOT NULL,
    achieved_at TIMESTAMP NOT NULL,
    event_id VARCHAR NOT NULL,
    tz VARCHAR NOT NULL,
    local_date DATE NOT NULL,
    backdated BOOLEAN NOT NULL,
    seq UBIGINT NOT NULL,
    PRIMARY KEY (achievement, user_id)
)
