-- Health and Growth Accelerator participants by ICB and main condition group: starts, the 12-month
-- cohort (started at least 365 days before the data cut-off, as DWP advises), its job outcomes and cost.
-- Reads the participant_cells rollup (data/rollups.sql).
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $icbs          ICB codes whose rows the viewer may see (dashboard/access.py), or NULL for all
SELECT c.icb_code, a.name AS icb_name, a.short_name, c.condition_group,
       sum(c.participants) AS participants,
       sum(c.followed_12m) AS followed_12m,
       sum(c.jobs_12m) AS jobs_12m,
       sum(c.cost_12m) AS cost_12m_gbp,
       sum(c.cost_gbp) AS cost_gbp
FROM participant_cells c
JOIN areas a ON a.code = c.icb_code
WHERE c.programme = 'accelerator'
  AND c.start_quarter BETWEEN $start_from AND $start_to
  AND ($icbs IS NULL OR list_contains(CAST($icbs AS VARCHAR[]), c.icb_code))
  AND ($age IS NULL OR c.age_band = $age)
  AND ($sex IS NULL OR c.sex = $sex)
  AND ($condition IS NULL OR c.condition_group = $condition OR ($condition = 'back' AND c.back))
GROUP BY ALL
ORDER BY a.name, c.condition_group
