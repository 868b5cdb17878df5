DROP TABLE IF EXISTS {{ db }}.bench_bare
