-- Long-term sick (economically inactive, aged 16-64) with population and sample sizes, by area x quarter.
-- $areas      list of area codes, or NULL for all areas of $level
-- $level      'england' | 'region' | 'icb', or NULL for any level (used when $areas is NULL)
-- $period_from, $period_to   quarters 'YYYYQn', inclusive
-- $age        age band, or NULL for 16-64
-- $sex        'female' | 'male', or NULL for both
-- $condition  condition group id ('msk', 'back', 'mental', ...), or NULL for every main condition
WITH chosen AS (
    SELECT code, name, short_name, level, parent, accelerator, workwell
    FROM areas
    WHERE ($areas IS NULL OR list_contains($areas, code))
      AND ($level IS NULL OR level = $level)
),
pop AS (
    SELECT period, any_value(period_start) AS period_start, area_code,
           sum(population) AS population, sum(sample_size) AS sample_size
    FROM population
    WHERE area_code IN (SELECT code FROM chosen)
      AND period BETWEEN $period_from AND $period_to
      AND ($age IS NULL OR age_band = $age)
      AND ($sex IS NULL OR sex = $sex)
    GROUP BY period, area_code
),
sick AS (
    SELECT l.period, l.area_code, sum(l.people) AS people, sum(l.sample_n) AS sample_sick
    FROM long_term_sick l
    JOIN conditions c ON c.code = l.condition_code
    WHERE l.area_code IN (SELECT code FROM chosen)
      AND l.period BETWEEN $period_from AND $period_to
      AND ($age IS NULL OR l.age_band = $age)
      AND ($sex IS NULL OR l.sex = $sex)
      AND ($condition IS NULL OR c.group_id = $condition OR c.subgroup = $condition)
    GROUP BY l.period, l.area_code
)
SELECT p.period, p.period_start, a.code AS area_code, a.name AS area_name, a.short_name, a.level,
       a.parent, a.accelerator, a.workwell,
       coalesce(s.people, 0) AS people, p.population, p.sample_size, coalesce(s.sample_sick, 0) AS sample_sick
FROM pop p
JOIN chosen a ON a.code = p.area_code
LEFT JOIN sick s ON s.period = p.period AND s.area_code = p.area_code
ORDER BY CASE a.level WHEN 'icb' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, a.name, p.period
