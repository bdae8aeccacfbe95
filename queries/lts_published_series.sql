-- Long-term sickness as published over time (the warehouse's published_totals: source files only, percentages,
-- totals) for the areas listed, in periods ending between $period_from and $period_to. The chart picks one measure
-- (dashboard/facts.py: published_series).
-- $areas       list of area codes
-- $period_from 'YYYYQn': the first quarter a period may end in
-- $period_to   'YYYYQn': the last quarter a period may end in
SELECT measure, area_code, name AS area_name, level, period, period_type, period_label,
       period_start, period_end, value AS rate, ci_lower AS lower, ci_upper AS upper,
       numerator AS people, flag, aggregated, synthetic, source_id, source, files
FROM published_totals
WHERE list_contains($areas, area_code)
  AND period BETWEEN $period_from AND $period_to
ORDER BY measure, period, name
