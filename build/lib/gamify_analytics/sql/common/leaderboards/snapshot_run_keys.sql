{#- The runs of a board that have snapshot rows: open runs, and a final run only when a job was
    killed between finalizing it and pruning them. -#}
SELECT DISTINCT run FROM {{ db }}.leaderboard_snapshot WHERE board = {{ p('board', 'String') }}
