DELETE FROM tz_offsets
