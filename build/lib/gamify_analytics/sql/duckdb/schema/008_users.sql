CREATE TABLE IF NOT EXISTS users
(
    user_id VARCHAR PRIMARY KEY,
    tz VARCHAR NOT NULL,
    created_at TIMESTAMP,
    attributes MAP(VARCHAR, VARCHAR),
    updated_at TIMESTAMP DEFAULT current_timestamp
)
