CREATE TABLE IF NOT EXISTS points_ledger
(
    system VARCHAR NOT NULL,
    user_id VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    event_id VARCHAR NOT NULL,
    trigger USMALLINT NOT NULL,
    source VARCHAR NOT NULL,
    tz VARCHAR NOT NULL,
    local_date DATE NOT NULL,
    requested DECIMAL(38, 6) NOT NULL,
    points DECIMAL(38, 6) NOT NULL,
    total DECIMAL(38, 6) NOT NULL,
    seq UBIGINT NOT NULL,
    PRIMARY KEY (system, user_id, ts, event_id, trigger)
)
