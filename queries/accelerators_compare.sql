-- Health and Growth Accelerator participants by ICB and main condition group: starts, the 12-month
-- cohort (started at least 365 days before the data cut-off, as DWP advises), its job outcomes and cost.
-- Reads the programme facts (data/rollups.sql): participant records and pilot returns.
-- $icbs       the ICBs the viewer may see (list of GSS codes), or NULL for all
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
SELECT c.icb_code, a.name AS icb_name, a.short_name, c.condition_group,
       sum(c.participants) AS participants,
       coalesce(sum(c.followed_12m), 0) AS followed_12m,
       coalesce(sum(c.jobs_12m), 0) AS jobs_12m,
       sum(c.cost_12m) AS cost_12m_gbp,
       sum(c.cost_gbp) AS cost_gbp
FROM programme_selection('E92000001', $icbs, $start_from, $start_to, $age, $sex, $condition) c
JOIN areas a ON a.code = c.icb_code
WHERE c.programme = 'accelerator'
GROUP BY ALL
ORDER BY a.name, c.condition_group
