-- Days from start to first paid work, for Kaplan-Meier: people counted by (group, day, event).
-- A job seen within 12 months is an event at days_to_job; everyone else is censored at
-- min(365, followup_days) (still on the programme, or 12 months passed without a job).
-- Groups are programmes, or, when $intervention names one programme, its main condition groups.
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $intervention   programme id, or NULL for every programme
-- $age, $sex, $condition   NULL for all
-- $start_from, $start_to   start dates, inclusive
SELECT CASE WHEN $intervention IS NULL THEN g.name ELSE cg.name END AS grp,
       CASE WHEN p.days_to_job IS NOT NULL THEN p.days_to_job ELSE least(365, p.followup_days) END AS day,
       p.days_to_job IS NOT NULL AS event,
       count(*) AS people
FROM participants p
JOIN areas a ON a.code = p.icb_code
JOIN programmes g ON g.id = p.programme
LEFT JOIN condition_groups cg ON cg.id = p.condition_group
WHERE ($geo = 'E92000001' OR a.code = $geo OR a.parent = $geo)
  AND ($intervention IS NULL OR p.programme = $intervention)
  AND p.start_date BETWEEN $start_from AND $start_to
  AND ($age IS NULL OR p.age_band = $age)
  AND ($sex IS NULL OR p.sex = $sex)
  AND ($condition IS NULL OR p.condition_group = $condition
       OR ($condition = 'back' AND p.condition_code = 3))
GROUP BY ALL
ORDER BY grp, day, event
