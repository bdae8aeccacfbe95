-- Health and Growth Accelerator participants by ICB and main condition group: starts, the 12-month
-- cohort (started at least 365 days before the data cut-off, as DWP advises), its job outcomes and cost.
-- $start_from, $start_to   start dates, inclusive
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
SELECT p.icb_code, a.name AS icb_name, a.short_name, p.condition_group,
       count(*) AS participants,
       count(*) FILTER (WHERE p.followup_days >= 365) AS followed_12m,
       count(*) FILTER (WHERE p.followup_days >= 365 AND p.days_to_job IS NOT NULL) AS jobs_12m,
       coalesce(sum(p.cost_gbp) FILTER (WHERE p.followup_days >= 365), 0) AS cost_12m_gbp,
       sum(p.cost_gbp) AS cost_gbp
FROM participants p
JOIN areas a ON a.code = p.icb_code
WHERE p.programme = 'accelerator'
  AND p.start_date BETWEEN $start_from AND $start_to
  AND ($age IS NULL OR p.age_band = $age)
  AND ($sex IS NULL OR p.sex = $sex)
  AND ($condition IS NULL OR p.condition_group = $condition
       OR ($condition = 'back' AND p.condition_code = 3))
GROUP BY ALL
ORDER BY a.name, p.condition_group
