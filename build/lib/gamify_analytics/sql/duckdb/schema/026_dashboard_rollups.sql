CREATE TABLE IF NOT EXISTS dashboard_rollups
(
    dashboard VARCHAR NOT NULL,
    built UBIGINT NOT NULL,
    panel VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    payload VARCHAR NOT NULL,
    PRIMARY KEY (dashboard, built, panel)
)
