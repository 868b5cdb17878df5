{{ db }}.{{ table_ident }} FINAL
