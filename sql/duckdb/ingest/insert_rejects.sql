{#- The same (kind, source, line, field, reason) is kept once, at its latest rejection (as
    ClickHouse's ReplacingMergeTree keeps it): `gamify status` counts recent rejections. -#}
INSERT OR REPLACE INTO rejects (kind, source, line, field, reason, raw)
SELECT kind, source, line, field, reason, raw FROM _gamify_batch
