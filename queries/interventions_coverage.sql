-- What the programme facts hold for a selection, before the age and sex filters: starts by origin and
-- whether they record age and sex, day-level time to work (participant records only) and digital MSK app use.
-- Charts use it to say "not in the pilot returns" instead of showing nothing, or something made up.
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $icbs       the ICBs the viewer may see (list of GSS codes), or NULL for all
-- $condition  NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
SELECT origin,
       sum(participants) AS participants,
       coalesce(sum(participants) FILTER (WHERE age_band IS NOT NULL AND sex IS NOT NULL), 0) AS with_age_sex,
       coalesce(sum(participants) FILTER (WHERE app_used IS NOT NULL), 0) AS with_app_use,
       coalesce(sum(participants) FILTER (WHERE condition_group IS NULL), 0) AS unsplit,  -- a return's 'all' rows
       bool_or(synthetic) AS synthetic
FROM programme_selection($geo, $icbs, $start_from, $start_to, NULL, NULL, $condition)
GROUP BY origin
ORDER BY origin
