-- Pilot returns sent by ICBs (pilot_returns, filled by data.build --source): starts, job and sustained outcomes
-- and cost by programme, for the chosen area, quarters of starting and condition group. Empty on a demo warehouse.
-- A return has a row per condition group or one 'all' row, and 'back' is a subgroup of msk: with no condition
-- chosen every row but 'back' counts; with one chosen only its own rows do ('all' rows cannot be split).
-- Blank outcomes are "not yet known": each rate's denominator is the starts whose outcome is known.
-- $geo            England, an ONS region (its best-fit ICBs) or an ICB
-- $intervention   programme id, or NULL for every programme
-- $condition      condition group id, or NULL for all
-- $period_from, $period_to   quarters 'YYYYQn', inclusive
SELECT r.programme, g.name AS programme_name, g.short_name,
       count(DISTINCT r.icb_code) AS icbs,
       sum(r.referrals) AS referrals,
       sum(r.starts) AS starts,
       sum(r.starts) FILTER (WHERE r.job_outcomes IS NOT NULL) AS starts_with_jobs_known,
       sum(r.job_outcomes) AS job_outcomes,
       sum(r.starts) FILTER (WHERE r.sustained_outcomes IS NOT NULL) AS starts_with_sustained_known,
       sum(r.sustained_outcomes) AS sustained_outcomes,
       sum(r.cost_gbp) AS cost_gbp,
       min(r.period) AS first_period,
       max(r.period) AS last_period,
       (SELECT files FROM source_file_names WHERE target = 'pilot_returns') AS files
FROM pilot_returns r
JOIN areas a ON a.code = r.icb_code
JOIN programmes g ON g.id = r.programme
WHERE in_area(a.code, $geo)
  AND r.period BETWEEN $period_from AND $period_to
  AND ($intervention IS NULL OR r.programme = $intervention)
  AND CASE WHEN $condition IS NULL THEN r.condition_group <> 'back' ELSE r.condition_group = $condition END
GROUP BY ALL
ORDER BY g.name
