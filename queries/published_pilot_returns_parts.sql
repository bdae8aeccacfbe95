-- The ICB parts of the pilot returns' totals (for secondary disclosure control): each programme's starts whose
-- outcome is known and outcomes in each ICB, with the filters of published_pilot_returns.sql.
-- $geo            England, an ONS region (its best-fit ICBs) or an ICB
-- $intervention   programme id, or NULL for every programme
-- $condition      condition group id, or NULL for all
-- $period_from, $period_to   quarters 'YYYYQn', inclusive
SELECT r.programme, r.icb_code,
       coalesce(sum(r.starts) FILTER (WHERE r.job_outcomes IS NOT NULL), 0) AS starts_with_jobs_known,
       coalesce(sum(r.job_outcomes), 0) AS job_outcomes,
       coalesce(sum(r.starts) FILTER (WHERE r.sustained_outcomes IS NOT NULL), 0) AS starts_with_sustained_known,
       coalesce(sum(r.sustained_outcomes), 0) AS sustained_outcomes
FROM pilot_returns r
JOIN areas a ON a.code = r.icb_code
WHERE in_area(a.code, $geo)
  AND r.period BETWEEN $period_from AND $period_to
  AND ($intervention IS NULL OR r.programme = $intervention)
  AND CASE WHEN $condition IS NULL THEN r.condition_group <> 'back' ELSE r.condition_group = $condition END
GROUP BY r.programme, r.icb_code
ORDER BY r.programme, r.icb_code
