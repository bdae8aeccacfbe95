-- The warehouse's build history (data/history.py), newest first, for /feed.atom and the About page. No parameters.
SELECT seq, data_version, built_at, is_demo, details
FROM build_history
ORDER BY seq DESC
