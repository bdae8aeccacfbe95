-- One programme's 12-month job outcomes in every ICB (for a funnel plot around the national rate), with a
-- flag for the ICBs in the chosen area. Only people with at least 365 days' follow-up count, as DWP advises.
-- Reads the participant_cells rollup (data/rollups.sql).
-- $programme  programme id
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB: sets in_area
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
SELECT a.code AS area_code, a.name AS area_name, a.short_name,
       in_area(a.code, $geo) AS in_area,
       sum(c.participants) AS participants,
       sum(c.followed_12m) AS followed_12m,
       sum(c.jobs_12m) AS jobs_12m
FROM participant_cells c
JOIN areas a ON a.code = c.icb_code
WHERE c.programme = $programme
  AND c.start_quarter BETWEEN $start_from AND $start_to
  AND ($age IS NULL OR c.age_band = $age)
  AND ($sex IS NULL OR c.sex = $sex)
  AND ($condition IS NULL OR c.condition_group = $condition OR ($condition = 'back' AND c.back))
GROUP BY a.code, a.name, a.short_name, in_area
ORDER BY a.name
