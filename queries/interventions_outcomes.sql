-- Every programme: participants, 12-month job outcomes and 26-week sustained outcomes, and costs, counting
-- outcomes only in cohorts with enough follow-up, as DWP advises (recent starters have not had the time):
-- 365 days for a job within 12 months, 547 (12 months + 26 weeks) for a sustained job.
-- Programmes with no participants in the selection are kept (participants 0).
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $age, $sex, $condition   NULL for all
-- $start_from, $start_to   start dates, inclusive
WITH chosen AS (
    SELECT p.programme, p.followup_days, p.days_to_job, p.sustained_26w, p.cost_gbp
    FROM participants p
    JOIN areas a ON a.code = p.icb_code
    WHERE ($geo = 'E92000001' OR a.code = $geo OR a.parent = $geo)
      AND p.start_date BETWEEN $start_from AND $start_to
      AND ($age IS NULL OR p.age_band = $age)
      AND ($sex IS NULL OR p.sex = $sex)
      AND ($condition IS NULL OR p.condition_group = $condition
           OR ($condition = 'back' AND p.condition_code = 3))
)
SELECT g.id AS programme, g.name AS programme_name, g.short_name,
       count(c.programme) AS participants,
       count(c.programme) FILTER (WHERE c.followup_days >= 365) AS followed_12m,
       count(c.programme) FILTER (WHERE c.followup_days >= 365 AND c.days_to_job IS NOT NULL) AS jobs_12m,
       count(c.programme) FILTER (WHERE c.followup_days >= 547) AS followed_26w,
       count(c.programme) FILTER (WHERE c.followup_days >= 547 AND c.sustained_26w) AS sustained_26w,
       coalesce(sum(c.cost_gbp), 0) AS cost_gbp,
       coalesce(sum(c.cost_gbp) FILTER (WHERE c.followup_days >= 365), 0) AS cost_12m,
       coalesce(sum(c.cost_gbp) FILTER (WHERE c.followup_days >= 547), 0) AS cost_26w
FROM programmes g
LEFT JOIN chosen c ON c.programme = g.id
GROUP BY g.id, g.name, g.short_name
ORDER BY participants DESC, g.name
