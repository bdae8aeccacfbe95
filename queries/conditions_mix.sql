-- Long-term sick by main condition (group and subgroup) in each of the chosen areas: the mean a quarter
-- over the chosen quarters, and the respondents behind it summed over those quarters.
-- $areas      list of area codes
-- $period_from, $period_to   quarters 'YYYYQn', inclusive
-- $age        age band, or NULL for 16-64
-- $sex        'female' | 'male', or NULL for both
WITH chosen AS (
    SELECT l.area_code, l.period, c.group_id, c.subgroup, l.people, l.sample_n
    FROM long_term_sick l
    JOIN conditions c ON c.code = l.condition_code
    WHERE list_contains($areas, l.area_code)
      AND l.period BETWEEN $period_from AND $period_to
      AND ($age IS NULL OR l.age_band = $age)
      AND ($sex IS NULL OR l.sex = $sex)
),
quarters AS (  -- quarters with data in each area, so a group missing from a quarter still averages over all
    SELECT area_code, count(DISTINCT period) AS n FROM chosen GROUP BY area_code
)
SELECT ch.area_code, ch.group_id, ch.subgroup,
       sum(ch.people) / any_value(q.n) AS people,
       sum(ch.sample_n) AS sample_n
FROM chosen ch
JOIN quarters q ON q.area_code = ch.area_code
GROUP BY ch.area_code, ch.group_id, ch.subgroup
ORDER BY ch.area_code, ch.group_id, ch.subgroup
