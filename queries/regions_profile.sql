-- Each area's profile before a cut-off quarter, for statistical neighbours: its long-term-sick rate and
-- its age mix (share of the population aged 16-64 in each age band), all conditions, both sexes.
-- $level    'region' | 'icb'
-- $before   the first quarter not used, e.g. '2024Q1'
WITH pop AS (
    SELECT area_code, age_band, sum(population) AS population
    FROM population
    WHERE level = $level AND period < $before
    GROUP BY area_code, age_band
),
sick AS (
    SELECT area_code, sum(people) AS people
    FROM long_term_sick
    WHERE level = $level AND period < $before
    GROUP BY area_code
)
SELECT p.area_code, p.age_band,
       p.population / sum(p.population) OVER (PARTITION BY p.area_code) AS age_share,
       s.people / sum(p.population) OVER (PARTITION BY p.area_code) * 100 AS rate
FROM pop p
JOIN sick s ON s.area_code = p.area_code
ORDER BY p.area_code, p.age_band
