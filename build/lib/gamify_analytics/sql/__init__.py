"""The SQL templates, shipped in the package as `gamify_analytics.sql` (see pyproject.toml):
`common/` holds the statements every engine shares, `<engine>/` what differs."""
