-- Every programme: starts, 12-month job outcomes and 26-week sustained outcomes, and costs, from the programme
-- facts (data/rollups.sql: participant records and pilot returns in one shape). Participant records count
-- outcomes only in cohorts with enough follow-up, as DWP advises (365 days for a job within 12 months, 547 for
-- a sustained job); pilot returns count them as of the return, of the starts whose outcome is known.
-- Programmes with no starts in the selection are kept (participants 0).
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $icbs       the ICBs the viewer may see (list of GSS codes), or NULL for all: unpublished management information
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
WITH chosen AS (
    SELECT * FROM programme_selection($geo, $icbs, $start_from, $start_to, $age, $sex, $condition)
),
-- Summed by programme and origin first: the DISTINCT lists below then read a few rows, not every cell.
by_source AS (
    SELECT programme, synthetic, followup, source,
           sum(participants) AS participants, sum(followed_12m) AS followed_12m, sum(jobs_12m) AS jobs_12m,
           sum(followed_26w) AS followed_26w, sum(sustained_26w) AS sustained_26w, sum(cost_gbp) AS cost_gbp,
           sum(cost_12m) AS cost_12m, sum(cost_26w) AS cost_26w, sum(costed) AS costed,
           sum(jobs_costed) AS jobs_costed, sum(sustained_costed) AS sustained_costed
    FROM chosen
    GROUP BY programme, synthetic, followup, source
)
SELECT g.id AS programme, g.name AS programme_name, g.short_name,
       coalesce(sum(c.participants), 0) AS participants,
       coalesce(sum(c.followed_12m), 0) AS followed_12m,
       coalesce(sum(c.jobs_12m), 0) AS jobs_12m,
       coalesce(sum(c.followed_26w), 0) AS followed_26w,
       coalesce(sum(c.sustained_26w), 0) AS sustained_26w,
       coalesce(sum(c.cost_gbp), 0) AS cost_gbp,
       coalesce(sum(c.cost_12m), 0) AS cost_12m,
       coalesce(sum(c.cost_26w), 0) AS cost_26w,
       coalesce(sum(c.costed), 0) AS costed,
       coalesce(sum(c.jobs_costed), 0) AS jobs_costed,
       coalesce(sum(c.sustained_costed), 0) AS sustained_costed,
       coalesce(bool_or(c.synthetic), false) AS synthetic,
       coalesce(string_agg(DISTINCT c.followup, ',' ORDER BY c.followup), '') AS followup,
       coalesce(string_agg(DISTINCT c.source, ', ' ORDER BY c.source) FILTER (WHERE NOT c.synthetic), '') AS files
FROM programmes g
LEFT JOIN by_source c ON c.programme = g.id
GROUP BY g.id, g.name, g.short_name
ORDER BY participants DESC, g.name
