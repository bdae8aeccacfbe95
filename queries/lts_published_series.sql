-- Long-term sickness as published over time (lts_facts rows from source files, never synthetic): every percentage
-- measure for the areas listed, totals only, in periods ending between $period_from and $period_to. The chart
-- picks one measure (dashboard/facts.py: published_series).
-- $areas       list of area codes
-- $period_from 'YYYYQn': the first quarter a period may end in
-- $period_to   'YYYYQn': the last quarter a period may end in
SELECT f.measure, f.area_code, a.name AS area_name, f.level, f.period, f.period_type, f.period_label,
       f.period_start, f.period_end, f.value AS rate, f.ci_lower AS lower, f.ci_upper AS upper,
       f.numerator AS people, f.flag, f.aggregated, f.synthetic, f.source_id,
       s.publisher || ', ' || s.dataset AS source, s.file AS files
FROM lts_facts f
JOIN areas a ON a.code = f.area_code
JOIN sources s ON s.id = f.source_id
WHERE NOT f.synthetic
  AND f.unit = 'percent'
  AND list_contains($areas, f.area_code)
  AND f.age_band = 'all' AND f.sex = 'all' AND f.condition = 'all'
  AND f.period BETWEEN $period_from AND $period_to
ORDER BY f.measure, f.period, a.name
