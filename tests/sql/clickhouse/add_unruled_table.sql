CREATE TABLE {{ db }}.notes (user_id String, note String) ENGINE = MergeTree ORDER BY user_id
