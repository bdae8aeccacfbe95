-- Long-term sickness as published (the warehouse's published_totals: source files only, percentages, totals) for
-- the areas of one level and England, in periods ending by $period_to. The chart picks one measure and its latest
-- period (dashboard/facts.py).
-- $level       'region' | 'icb'
-- $period_to   'YYYYQn': the quarter the period ends in
SELECT measure, area_code AS code, name, short_name, level, period, period_type, period_label,
       value AS rate, ci_lower AS lower, ci_upper AS upper, numerator AS people, denominator,
       flag, aggregated, synthetic, accelerator, workwell, source_id, source, files
FROM published_totals
WHERE level IN ($level, 'england')
  AND period <= $period_to
ORDER BY measure, period, name
