-- One programme's 12-month job outcomes in every ICB (for a funnel plot around the national rate), with a
-- flag for the ICBs in the chosen area. Only people with at least 365 days' follow-up count, as DWP advises.
-- $programme  programme id
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB: sets in_area
-- $age, $sex, $condition   NULL for all
-- $start_from, $start_to   start dates, inclusive
SELECT a.code AS area_code, a.name AS area_name, a.short_name,
       ($geo = 'E92000001' OR a.code = $geo OR a.parent = $geo) AS in_area,
       count(*) AS participants,
       count(*) FILTER (WHERE p.followup_days >= 365) AS followed_12m,
       count(*) FILTER (WHERE p.followup_days >= 365 AND p.days_to_job IS NOT NULL) AS jobs_12m
FROM participants p
JOIN areas a ON a.code = p.icb_code
WHERE p.programme = $programme
  AND p.start_date BETWEEN $start_from AND $start_to
  AND ($age IS NULL OR p.age_band = $age)
  AND ($sex IS NULL OR p.sex = $sex)
  AND ($condition IS NULL OR p.condition_group = $condition
       OR ($condition = 'back' AND p.condition_code = 3))
GROUP BY a.code, a.name, a.short_name, in_area
ORDER BY a.name
