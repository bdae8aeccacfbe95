-- Long-term sickness as published (lts_facts rows from source files, never synthetic): every percentage measure
-- for the areas of one level and England, totals only (age, sex and condition 'all'), in periods ending by
-- $period_to. The chart picks one measure and its latest period (dashboard/facts.py).
-- $level       'region' | 'icb'
-- $period_to   'YYYYQn': the quarter the period ends in
SELECT f.measure, f.area_code AS code, a.name, a.short_name, f.level, f.period, f.period_type, f.period_label,
       f.value AS rate, f.ci_lower AS lower, f.ci_upper AS upper, f.numerator AS people, f.denominator,
       f.flag, f.aggregated, f.synthetic, a.accelerator, a.workwell, f.source_id,
       s.publisher || ', ' || s.dataset AS source, s.file AS files
FROM lts_facts f
JOIN areas a ON a.code = f.area_code
JOIN sources s ON s.id = f.source_id
WHERE NOT f.synthetic
  AND f.unit = 'percent'
  AND f.level IN ($level, 'england')
  AND f.age_band = 'all' AND f.sex = 'all' AND f.condition = 'all'
  AND f.period <= $period_to
ORDER BY f.measure, f.period, a.name
