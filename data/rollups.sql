-- Rollups, built once when the warehouse is built (after the fact tables are loaded), so that requests read
-- small tables whose size does not grow with the number of participants.
--
-- participant_cells: participants counted in every cell of the dimensions a filter can choose (programme,
-- ICB, quarter of starting, age band, sex, main condition group, back or neck pain, and for digital MSK
-- whether the app was used), with the outcome counts, costs and the sums behind means and standard
-- deviations that the programme charts need. A start-date filter on whole quarters (as the dashboard's
-- period filter always is) selects the same people on start_quarter as on start_date.
--
-- Outcome counts use the follow-up DWP advises: a job within 12 months counts only for people followed for
-- 365 days, a sustained (26-week) job only for people followed for 547 days (12 months + 26 weeks).
-- The filter dimensions, derived once for both rollups.
CREATE OR REPLACE TEMP VIEW keyed_participants AS
SELECT *,
       CAST(date_trunc('quarter', start_date) AS DATE) AS start_quarter,
       condition_code = 3 AS back  -- back or neck pain, the subgroup of msk a filter can choose
FROM participants;

CREATE OR REPLACE TABLE participant_cells AS
SELECT programme, icb_code, start_quarter, age_band, sex, condition_group, back,
       coalesce(app_used, false) AS app_used,
       count(*) AS participants,
       count(*) FILTER (WHERE followup_days >= 365) AS followed_12m,
       count(*) FILTER (WHERE followup_days >= 365 AND days_to_job IS NOT NULL) AS jobs_12m,
       count(*) FILTER (WHERE followup_days >= 547) AS followed_26w,
       count(*) FILTER (WHERE followup_days >= 547 AND sustained_26w) AS sustained_26w,
       sum(cost_gbp) AS cost_gbp,
       coalesce(sum(cost_gbp) FILTER (WHERE followup_days >= 365), 0) AS cost_12m,
       coalesce(sum(cost_gbp) FILTER (WHERE followup_days >= 547), 0) AS cost_26w,
       count(adherence) AS adherence_n,
       sum(adherence) AS adherence_sum,
       sum(adherence * adherence) AS adherence_sumsq,
       count(mskhq_change) AS mskhq_n,
       sum(mskhq_change) AS mskhq_sum,
       sum(mskhq_change * mskhq_change) AS mskhq_sumsq
FROM keyed_participants
GROUP BY ALL
ORDER BY programme, icb_code, start_quarter;

-- participant_days: the same cells by day of first paid work within 12 months (an event) or of censoring
-- (12 months passed without a job, or still being followed at the data cut-off), for Kaplan-Meier curves.
CREATE OR REPLACE TABLE participant_days AS
SELECT programme, icb_code, start_quarter, age_band, sex, condition_group, back,
       coalesce(days_to_job, least(365, followup_days)) AS day,
       days_to_job IS NOT NULL AS event,
       count(*) AS people
FROM keyed_participants
GROUP BY ALL
ORDER BY programme, icb_code, start_quarter;
