-- Published long-term sickness from Nomis APS downloads (source_nomis_aps, filled by data.build --source): every
-- percentage series about the long-term sick, for the areas of one level and England, in the latest rolling
-- year that ends by $period_end. Empty on a demo warehouse. The chart picks one series (variable) to show.
-- ICB rows may have been summed by the build from local-authority rows (best fit): ``aggregated`` says which.
-- $level        'region' | 'icb'
-- $period_end   DATE: the end of the dashboard's chosen quarter
WITH series AS (
    SELECT s.*, a.name, a.short_name, a.level, a.accelerator, a.workwell
    FROM source_nomis_aps s
    JOIN areas a ON a.code = s.area_code
    WHERE s.is_percentage
      AND lower(s.variable) LIKE '%long-term sick%'
      AND a.level IN ($level, 'england')
      AND s.period_end <= $period_end
),
latest AS (
    SELECT variable, max(period_end) AS period_end FROM series GROUP BY variable
)
SELECT s.variable, s.period, s.period_end, s.area_code AS code, s.name, s.short_name, s.level,
       s.value, s.ci_lower, s.ci_upper, s.numerator, s.denominator, s.flag, s.reliability, s.aggregated,
       s.accelerator, s.workwell,
       (SELECT files FROM source_file_names WHERE target = 'source_nomis_aps') AS files
FROM series s
JOIN latest l USING (variable, period_end)
ORDER BY s.variable, s.value DESC NULLS LAST, s.name
