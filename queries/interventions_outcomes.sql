-- Every programme: participants, 12-month job outcomes and 26-week sustained outcomes, and costs, counting
-- outcomes only in cohorts with enough follow-up, as DWP advises (recent starters have not had the time):
-- 365 days for a job within 12 months, 547 (12 months + 26 weeks) for a sustained job. Reads the
-- participant_cells rollup (data/rollups.sql), not participant rows.
-- Programmes with no participants in the selection are kept (participants 0).
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
WITH chosen AS (
    SELECT c.*
    FROM participant_cells c
    JOIN areas a ON a.code = c.icb_code
    WHERE in_area(a.code, $geo)
      AND c.start_quarter BETWEEN $start_from AND $start_to
      AND ($age IS NULL OR c.age_band = $age)
      AND ($sex IS NULL OR c.sex = $sex)
      AND ($condition IS NULL OR c.condition_group = $condition OR ($condition = 'back' AND c.back))
)
SELECT g.id AS programme, g.name AS programme_name, g.short_name,
       coalesce(sum(c.participants), 0) AS participants,
       coalesce(sum(c.followed_12m), 0) AS followed_12m,
       coalesce(sum(c.jobs_12m), 0) AS jobs_12m,
       coalesce(sum(c.followed_26w), 0) AS followed_26w,
       coalesce(sum(c.sustained_26w), 0) AS sustained_26w,
       coalesce(sum(c.cost_gbp), 0) AS cost_gbp,
       coalesce(sum(c.cost_12m), 0) AS cost_12m,
       coalesce(sum(c.cost_26w), 0) AS cost_26w
FROM programmes g
LEFT JOIN chosen c ON c.programme = g.id
GROUP BY g.id, g.name, g.short_name
ORDER BY participants DESC, g.name
