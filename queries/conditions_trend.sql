-- Long-term sick by main condition (group and subgroup) in one area, quarter by quarter.
-- $geo        area code
-- $period_from, $period_to   quarters 'YYYYQn', inclusive
-- $age        age band, or NULL for 16-64
-- $sex        'female' | 'male', or NULL for both
SELECT l.period, make_date(l.period[1:4]::INT, (l.period[6]::INT - 1) * 3 + 1, 1) AS period_start,
       c.group_id, c.subgroup,
       sum(l.people) AS people, sum(l.sample_n) AS sample_n
FROM long_term_sick l
JOIN conditions c ON c.code = l.condition_code
WHERE l.area_code = $geo
  AND l.period BETWEEN $period_from AND $period_to
  AND ($age IS NULL OR l.age_band = $age)
  AND ($sex IS NULL OR l.sex = $sex)
GROUP BY ALL
ORDER BY l.period, c.group_id, c.subgroup
