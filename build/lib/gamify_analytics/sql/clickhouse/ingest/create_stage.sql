CREATE TABLE {{ db }}.{{ stage_ident }} (user_id String, metric String, event_id String, i UInt32) ENGINE = Memory
