{#- Store the final standings of a run, every group, top `limit` each (docs/leaderboards.md). -#}
{% import '_dialect.sql' as d with context %}
{{ d.insert('leaderboard_final') }} (board, run, grp, rank, user_id, score, last_change, participants)
SELECT * FROM (
    WITH
    {% include 'leaderboards/_scores.sql' %}
    SELECT {{ p('board', 'String') }} AS board, {{ d.date('run') }} AS run, grp,
           row_number() OVER (PARTITION BY grp ORDER BY score DESC, last_change, user_id) AS rank,
           user_id, score, last_change, count(*) OVER (PARTITION BY grp) AS participants
    FROM grouped
    QUALIFY rank <= {{ d.i64('limit') }}
)
