-- The area profile's spine from survey cells in one pass: for one quarter, every indicator's long-term sick,
-- population and sample sizes for every ICB, England and the chosen area (a region's own row), as
-- long_term_sick.sql gives them one indicator at a time. An indicator is a main condition group, an age band or a
-- sex (NULL = all); the totals row (all NULL) is always there.
-- $period      quarter 'YYYYQn'
-- $geo         the area's code (its row is returned beside the ICBs' and England's)
-- $conditions  list of condition group ids
-- $ages        list of age bands
-- $sexes       list of sexes ('female', 'male')
WITH chosen AS (
    SELECT code, name, short_name, level, parent, accelerator, workwell
    FROM areas
    WHERE level = 'icb' OR code = $geo OR code = 'E92000001'
),
pop AS (
    SELECT area_code, age_band, sex, any_value(period_start) AS period_start,
           sum(population) AS population, sum(sample_size) AS sample_size
    FROM population
    WHERE period = $period AND area_code IN (SELECT code FROM chosen)
    GROUP BY GROUPING SETS ((area_code), (area_code, age_band), (area_code, sex))
),
sick AS (
    SELECT l.area_code, l.age_band, l.sex, c.group_id, sum(l.people) AS people, sum(l.sample_n) AS sample_sick
    FROM long_term_sick l
    JOIN conditions c ON c.code = l.condition_code
    WHERE l.period = $period AND l.area_code IN (SELECT code FROM chosen)
    GROUP BY GROUPING SETS ((l.area_code), (l.area_code, c.group_id), (l.area_code, l.age_band), (l.area_code, l.sex))
),
wanted AS (
    SELECT NULL::VARCHAR AS condition, NULL::VARCHAR AS age, NULL::VARCHAR AS sex
    UNION ALL SELECT unnest($conditions::VARCHAR[]), NULL, NULL
    UNION ALL SELECT NULL, unnest($ages::VARCHAR[]), NULL
    UNION ALL SELECT NULL, NULL, unnest($sexes::VARCHAR[])
)
SELECT w.condition, w.age, w.sex, $period AS period, p.period_start, a.code AS area_code, a.name AS area_name,
       a.short_name, a.level, a.parent, a.accelerator, a.workwell,
       coalesce(s.people, 0) AS people, p.population, p.sample_size, coalesce(s.sample_sick, 0) AS sample_sick
FROM wanted w
JOIN pop p ON p.age_band IS NOT DISTINCT FROM w.age AND p.sex IS NOT DISTINCT FROM w.sex
JOIN chosen a ON a.code = p.area_code
LEFT JOIN sick s ON s.area_code = p.area_code AND s.group_id IS NOT DISTINCT FROM w.condition
                AND s.age_band IS NOT DISTINCT FROM w.age AND s.sex IS NOT DISTINCT FROM w.sex
ORDER BY w.condition NULLS FIRST, w.age NULLS FIRST, w.sex NULLS FIRST,
         CASE a.level WHEN 'icb' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, a.name
