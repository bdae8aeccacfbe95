-- Digital MSK exercise apps: engagement and outcomes by whether the participant used the app.
-- adherence is the share of prescribed sessions done; mskhq_change the MSK-HQ points gained where recorded.
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $age, $sex, $condition   NULL for all
-- $start_from, $start_to   start dates, inclusive
SELECT coalesce(p.app_used, false) AS app_used,
       count(*) AS participants,
       count(p.adherence) AS adherence_n,
       avg(p.adherence) AS adherence_mean,
       stddev_samp(p.adherence) AS adherence_sd,
       count(p.mskhq_change) AS mskhq_n,
       avg(p.mskhq_change) AS mskhq_mean,
       stddev_samp(p.mskhq_change) AS mskhq_sd,
       count(*) FILTER (WHERE p.followup_days >= 365) AS followed_12m,
       count(*) FILTER (WHERE p.followup_days >= 365 AND p.days_to_job IS NOT NULL) AS jobs_12m
FROM participants p
JOIN areas a ON a.code = p.icb_code
WHERE p.programme = 'digital_msk'
  AND ($geo = 'E92000001' OR a.code = $geo OR a.parent = $geo)
  AND p.start_date BETWEEN $start_from AND $start_to
  AND ($age IS NULL OR p.age_band = $age)
  AND ($sex IS NULL OR p.sex = $sex)
  AND ($condition IS NULL OR p.condition_group = $condition
       OR ($condition = 'back' AND p.condition_code = 3))
GROUP BY ALL
ORDER BY app_used DESC
