{#- The ingest's reference step (BENCHMARKS.md): the file's rows stored by the engine alone, as
    they come (no validation, no dedup, no per-day aggregates). -#}
CREATE TABLE {{ db }}.bench_bare AS SELECT * FROM read_parquet({{ p('path', 'VARCHAR') }})
