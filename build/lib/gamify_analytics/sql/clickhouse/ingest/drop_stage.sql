DROP TABLE IF EXISTS {{ db }}.{{ stage_ident }}
