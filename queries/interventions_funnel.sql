-- One programme's 12-month job outcomes in every ICB (for a funnel plot around the national rate), with a
-- flag for the ICBs in the chosen area, from the programme facts (data/rollups.sql): participant records with
-- at least 365 days' follow-up, as DWP advises, and pilot returns' starts whose outcome is known.
-- $programme  programme id
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB: sets in_area
-- $icbs       the ICBs the viewer may see (list of GSS codes), or NULL for all
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
SELECT a.code AS area_code, a.name AS area_name, a.short_name,
       in_area(a.code, $geo) AS in_area,
       sum(c.participants) AS participants,
       coalesce(sum(c.followed_12m), 0) AS followed_12m,
       coalesce(sum(c.jobs_12m), 0) AS jobs_12m
FROM programme_selection('E92000001', $icbs, $start_from, $start_to, $age, $sex, $condition) c
JOIN areas a ON a.code = c.icb_code
WHERE c.programme = $programme
GROUP BY a.code, a.name, a.short_name, in_area
ORDER BY a.name
