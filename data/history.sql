-- The warehouse's build history: one row per build, carried forward from the previous warehouse by each build
-- (data/history.py), so the change feed (/feed.atom) and the About page's "What's new" survive the file's replacement.
CREATE TABLE IF NOT EXISTS build_history (
    seq INTEGER NOT NULL,            -- 1 for the first build recorded, then one more each build
    data_version VARCHAR NOT NULL,
    built_at VARCHAR NOT NULL,       -- ISO 8601 with time zone
    is_demo BOOLEAN NOT NULL,
    details VARCHAR NOT NULL         -- JSON: kind, sources, new_periods, new_areas, superseded, previous_version
);
