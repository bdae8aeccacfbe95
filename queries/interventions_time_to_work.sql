-- Days from start to first paid work, for Kaplan-Meier: people counted by (group, day, event).
-- A job seen within 12 months is an event at days_to_job; everyone else is censored at
-- min(365, followup_days) (still on the programme, or 12 months passed without a job).
-- Reads the programme_days rollup (data/rollups.sql): participant records only (pilot returns have no days).
-- Groups are programmes, or, when $intervention names one programme, its main condition groups.
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $icbs       the ICBs the viewer may see (list of GSS codes), or NULL for all
-- $intervention   programme id, or NULL for every programme
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
-- $icbs          ICB codes whose rows the viewer may see (dashboard/access.py), or NULL for all
SELECT CASE WHEN $intervention IS NULL THEN g.name ELSE cg.name END AS grp,
       d.day,
       d.event,
       sum(d.people) AS people,
       bool_or(d.synthetic) AS synthetic
FROM programme_days d
JOIN areas a ON a.code = d.icb_code
JOIN programmes g ON g.id = d.programme
LEFT JOIN condition_groups cg ON cg.id = d.condition_group
WHERE in_area(a.code, $geo)
  AND ($icbs IS NULL OR list_contains($icbs, d.icb_code))
  AND ($intervention IS NULL OR d.programme = $intervention)
  AND d.start_quarter BETWEEN $start_from AND $start_to
  AND ($icbs IS NULL OR list_contains(CAST($icbs AS VARCHAR[]), d.icb_code))
  AND ($age IS NULL OR d.age_band = $age)
  AND ($sex IS NULL OR d.sex = $sex)
  AND ($condition IS NULL OR d.condition_group = $condition OR ($condition = 'back' AND d.back))
GROUP BY ALL
ORDER BY grp, day, event
