-- Programme facts, built once when the warehouse is built (after the fact tables are loaded), so that requests
-- read small tables whose size does not grow with the number of participants. One shape whatever the origin:
--
-- programme_facts: programme starts and outcomes by programme x ICB x quarter of starting x the dimensions the
-- source records (age band, sex, main condition group, back or neck pain, digital MSK app use), each row with
-- its source, whether it is synthetic, and its follow-up:
--   * participant records (the participants table: the demo generator, or a real extract) count outcomes on
--     equal follow-up, as DWP advises: a job within 12 months counts only for people followed for 365 days, a
--     sustained (26-week) job only for people followed for 547 days (12 months + 26 weeks). followup 'equal'.
--   * pilot returns (the project's template: ICB x quarter x programme x condition group) count outcomes as of
--     the return: 'followed' is the starts whose outcome the return gives (blank means not yet known). followup
--     'as_of_return'. They have no age, sex or app use (NULL: not published) and no day-level time to work.
-- A return's 'all' row has condition_group NULL (not split by condition); its 'back' row keeps condition_group
-- 'back' and is a subgroup of its 'msk' row, so totals leave 'back' rows out (programme_selection below).
-- A start-date filter on whole quarters (as the dashboard's period filter always is) selects the same people
-- on start_quarter as on start_date.
--
-- Whether the participant records are synthetic and what to call their source: variables set by the build
-- (data/build.py build_rollups), the demo generator's unless it says otherwise.
CREATE OR REPLACE TEMP VIEW keyed_participants AS
SELECT *,
       CAST(date_trunc('quarter', start_date) AS DATE) AS start_quarter,
       condition_code = 3 AS back  -- back or neck pain, the subgroup of msk a filter can choose
FROM participants;

CREATE OR REPLACE TABLE programme_facts AS
SELECT coalesce(getvariable('participants_source'), 'demo generator')::VARCHAR AS source,
       'participant_records' AS origin,
       coalesce(getvariable('participants_synthetic'), true)::BOOLEAN AS synthetic,
       'equal' AS followup,
       programme, icb_code, start_quarter,
       age_band::VARCHAR AS age_band, sex::VARCHAR AS sex, condition_group::VARCHAR AS condition_group,
       back::BOOLEAN AS back,
       coalesce(app_used, false)::BOOLEAN AS app_used,
       NULL::BIGINT AS referrals,
       count(*) AS participants,
       count(*) FILTER (WHERE followup_days >= 365) AS followed_12m,
       count(*) FILTER (WHERE followup_days >= 365 AND days_to_job IS NOT NULL) AS jobs_12m,
       count(*) FILTER (WHERE followup_days >= 547) AS followed_26w,
       count(*) FILTER (WHERE followup_days >= 547 AND sustained_26w) AS sustained_26w,
       sum(cost_gbp) AS cost_gbp,
       count(*) AS costed,  -- starts whose cost is known (all, in participant records)
       coalesce(sum(cost_gbp) FILTER (WHERE followup_days >= 365), 0) AS cost_12m,
       coalesce(sum(cost_gbp) FILTER (WHERE followup_days >= 547), 0) AS cost_26w,
       count(*) FILTER (WHERE followup_days >= 365 AND days_to_job IS NOT NULL) AS jobs_costed,  -- of jobs_12m
       count(*) FILTER (WHERE followup_days >= 547 AND sustained_26w) AS sustained_costed,       -- of sustained_26w
       count(adherence) AS adherence_n,
       sum(adherence) AS adherence_sum,
       sum(adherence * adherence) AS adherence_sumsq,
       count(mskhq_change) AS mskhq_n,
       sum(mskhq_change) AS mskhq_sum,
       sum(mskhq_change * mskhq_change) AS mskhq_sumsq
FROM keyed_participants
GROUP BY ALL
ORDER BY programme, icb_code, start_quarter;

INSERT INTO programme_facts
SELECT file, 'pilot_returns', false, 'as_of_return',
       programme, icb_code, period_start,
       NULL, NULL, nullif(condition_group, 'all'), condition_group = 'back', NULL,
       referrals,
       coalesce(starts, 0),
       CASE WHEN job_outcomes IS NOT NULL THEN starts END,
       job_outcomes,
       CASE WHEN sustained_outcomes IS NOT NULL THEN starts END,
       sustained_outcomes,
       cost_gbp,
       CASE WHEN cost_gbp IS NOT NULL THEN starts END,
       CASE WHEN cost_gbp IS NOT NULL AND job_outcomes IS NOT NULL THEN cost_gbp END,
       CASE WHEN cost_gbp IS NOT NULL AND sustained_outcomes IS NOT NULL THEN cost_gbp END,
       CASE WHEN cost_gbp IS NOT NULL THEN job_outcomes END,
       CASE WHEN cost_gbp IS NOT NULL THEN sustained_outcomes END,
       0, NULL, NULL, 0, NULL, NULL
FROM pilot_returns;

-- programme_days: participant records' cells by day of first paid work within 12 months (an event) or of
-- censoring (12 months passed without a job, or still being followed at the data cut-off), for Kaplan-Meier
-- curves. Pilot returns have no day-level outcomes, so they add nothing here.
CREATE OR REPLACE TABLE programme_days AS
SELECT coalesce(getvariable('participants_synthetic'), true)::BOOLEAN AS synthetic,
       programme, icb_code, start_quarter, age_band, sex, condition_group, back,
       coalesce(days_to_job, least(365, followup_days)) AS day,
       days_to_job IS NOT NULL AS event,
       count(*) AS people
FROM keyed_participants
GROUP BY ALL
ORDER BY programme, icb_code, start_quarter;

-- The programme facts a selection keeps, for every query that reads them (queries/interventions_*.sql):
-- in_geo   England, an ONS region (its best-fit ICBs) or an ICB
-- in_icbs  the ICBs the viewer may see (a list of GSS codes), or NULL for no restriction: participant records
--          and pilot returns are unpublished management information
-- in_from, in_to   start dates, inclusive, on quarter boundaries
-- in_age, in_sex, in_condition   NULL for all; a source without the dimension has no row for a value ('back' is the
--                        back or neck subgroup of msk; with no condition, a return's 'back' rows are left out)
CREATE OR REPLACE MACRO programme_selection(in_geo, in_icbs, in_from, in_to, in_age, in_sex, in_condition) AS TABLE
SELECT f.*
FROM programme_facts f
WHERE in_area(f.icb_code, in_geo)
  AND (in_icbs IS NULL OR list_contains(in_icbs, f.icb_code))
  AND f.start_quarter BETWEEN in_from AND in_to
  AND (in_age IS NULL OR f.age_band = in_age)
  AND (in_sex IS NULL OR f.sex = in_sex)
  AND CASE WHEN in_condition IS NULL THEN f.condition_group IS DISTINCT FROM 'back'
           ELSE f.condition_group = in_condition OR (in_condition = 'back' AND f.back) END;
