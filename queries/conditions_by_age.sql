-- Long-term sick by age band, sex and main condition (group and subgroup) in one area: the mean a
-- quarter over the chosen quarters, and the respondents behind it summed over those quarters.
-- $geo        area code
-- $period_from, $period_to   quarters 'YYYYQn', inclusive
-- $sex        'female' | 'male', or NULL for both
WITH chosen AS (
    SELECT l.period, l.age_band, l.sex, c.group_id, c.subgroup, l.people, l.sample_n
    FROM long_term_sick l
    JOIN conditions c ON c.code = l.condition_code
    WHERE l.area_code = $geo
      AND l.period BETWEEN $period_from AND $period_to
      AND ($sex IS NULL OR l.sex = $sex)
),
quarters AS (SELECT count(DISTINCT period) AS n FROM chosen)
SELECT ch.age_band, ch.sex, ch.group_id, ch.subgroup,
       sum(ch.people) / any_value(q.n) AS people,
       sum(ch.sample_n) AS sample_n
FROM chosen ch, quarters q
GROUP BY ch.age_band, ch.sex, ch.group_id, ch.subgroup
ORDER BY ch.age_band, ch.sex, ch.group_id, ch.subgroup
