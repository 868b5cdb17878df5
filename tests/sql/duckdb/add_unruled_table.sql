CREATE TABLE notes (user_id VARCHAR, note VARCHAR)
