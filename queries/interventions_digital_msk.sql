-- Digital MSK exercise apps: engagement and outcomes by whether the participant used the app.
-- app_use_benchmark is the published share who used the app (data/reference/programmes.csv).
-- adherence is the share of prescribed sessions done; mskhq_change the MSK-HQ points gained where recorded.
-- Means and sample standard deviations come from the programme facts' counts, sums and sums of
-- squares (data/rollups.sql): sd = sqrt((sum(x^2) - sum(x)^2 / n) / (n - 1)).
-- $geo        England, an ONS region (its best-fit ICBs) or an ICB
-- $icbs       the ICBs the viewer may see (list of GSS codes), or NULL for all
-- $age, $sex, $condition   NULL for all ('back' is the back or neck subgroup of msk)
-- $start_from, $start_to   start dates, inclusive, on quarter boundaries
WITH chosen AS (
    SELECT c.app_used,
           sum(c.participants) AS participants,
           sum(c.adherence_n) AS adherence_n, sum(c.adherence_sum) AS adherence_sum,
           sum(c.adherence_sumsq) AS adherence_sumsq,
           sum(c.mskhq_n) AS mskhq_n, sum(c.mskhq_sum) AS mskhq_sum, sum(c.mskhq_sumsq) AS mskhq_sumsq,
           sum(c.followed_12m) AS followed_12m, sum(c.jobs_12m) AS jobs_12m,
           bool_or(c.synthetic) AS synthetic
    FROM programme_selection($geo, $icbs, $start_from, $start_to, $age, $sex, $condition) c
    WHERE c.programme = 'digital_msk'
      AND c.app_used IS NOT NULL  -- recorded in participant records, not in pilot returns
    GROUP BY c.app_used
)
SELECT app_used, participants,
       adherence_n,
       adherence_sum / nullif(adherence_n, 0) AS adherence_mean,
       CASE WHEN adherence_n > 1 THEN sqrt(greatest(0, (adherence_sumsq - adherence_sum * adherence_sum / adherence_n)
                                                   / (adherence_n - 1))) END AS adherence_sd,
       mskhq_n,
       mskhq_sum / nullif(mskhq_n, 0) AS mskhq_mean,
       CASE WHEN mskhq_n > 1 THEN sqrt(greatest(0, (mskhq_sumsq - mskhq_sum * mskhq_sum / mskhq_n)
                                               / (mskhq_n - 1))) END AS mskhq_sd,
       followed_12m, jobs_12m, synthetic,
       (SELECT app_use_benchmark FROM programmes WHERE id = 'digital_msk') AS app_use_benchmark
FROM chosen
ORDER BY app_used DESC
