{#- The ingest's reference step (BENCHMARKS.md): the file's rows stored by the engine alone, as
    they come (no validation, no dedup, no per-day aggregates), in a MergeTree table partitioned
    by month and ordered by user and time, as events are. -#}
CREATE TABLE {{ db }}.bench_bare
ENGINE = MergeTree
PARTITION BY toYYYYMM(fromUnixTimestamp64Milli(ts))
ORDER BY (user_id, ts)
SETTINGS allow_nullable_key = 1
AS SELECT * FROM file({{ p('path', 'String') }}, Parquet)
