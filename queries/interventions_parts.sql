-- The ICB parts of every programme's totals (for secondary disclosure control): each programme's counts in
-- each ICB of the chosen area, with the follow-up DWP advises (see interventions_outcomes.sql).
-- Reads the participant_cells rollup (data/rollups.sql). ICBs with no participants are not listed.
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
SELECT c.programme, c.icb_code,
       sum(c.participants) AS participants,
       sum(c.followed_12m) AS followed_12m,
       sum(c.jobs_12m) AS jobs_12m,
       sum(c.followed_26w) AS followed_26w,
       sum(c.sustained_26w) AS sustained_26w
FROM participant_cells c
JOIN areas a ON a.code = c.icb_code
WHERE in_area(a.code, $geo)
  AND c.start_quarter BETWEEN $start_from AND $start_to
  AND ($age IS NULL OR c.age_band = $age)
  AND ($sex IS NULL OR c.sex = $sex)
  AND ($condition IS NULL OR c.condition_group = $condition OR ($condition = 'back' AND c.back))
GROUP BY c.programme, c.icb_code
ORDER BY c.programme, c.icb_code
