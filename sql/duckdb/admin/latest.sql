{{ table_ident }}
