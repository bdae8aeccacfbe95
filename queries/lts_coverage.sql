-- What each loaded source gives about long-term sickness (lts_facts), by level: its measures, period type and the
-- first and last periods, for the About page's data dictionary. No parameters.
SELECT f.source_id, s.publisher, s.dataset, s.file AS files, s.synthetic, f.level, f.period_type,
       string_agg(DISTINCT f.measure, '; ' ORDER BY f.measure) AS measures,
       arg_min(f.period_label, f.period_end) AS first_period, arg_max(f.period_label, f.period_end) AS last_period,
       count(DISTINCT f.period) AS periods, count(DISTINCT f.area_code) AS areas
FROM lts_facts f
JOIN sources s ON s.id = f.source_id
GROUP BY f.source_id, s.publisher, s.dataset, s.file, s.synthetic, f.level, f.period_type
ORDER BY s.synthetic, f.source_id, CASE f.level WHEN 'uk' THEN 0 WHEN 'england' THEN 1 WHEN 'region' THEN 2 ELSE 3 END
