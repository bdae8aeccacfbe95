-- The ICB parts of every programme's totals (for secondary disclosure control): each programme's counts in
-- each ICB of the chosen area, from the programme facts (see interventions_outcomes.sql).
-- ICBs with no starts are not listed.
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $icbs       the ICBs the viewer may see (list of GSS codes), or NULL for all
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
SELECT programme, icb_code,
       sum(participants) AS participants,
       coalesce(sum(followed_12m), 0) AS followed_12m,
       coalesce(sum(jobs_12m), 0) AS jobs_12m,
       coalesce(sum(followed_26w), 0) AS followed_26w,
       coalesce(sum(sustained_26w), 0) AS sustained_26w
FROM programme_selection($geo, $icbs, $start_from, $start_to, $age, $sex, $condition)
GROUP BY programme, icb_code
ORDER BY programme, icb_code
