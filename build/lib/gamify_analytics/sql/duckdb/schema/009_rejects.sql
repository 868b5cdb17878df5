CREATE TABLE IF NOT EXISTS rejects
(
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    line UBIGINT NOT NULL,
    field VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR NOT NULL,
    rejected_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (kind, source, line, field, reason)
)
