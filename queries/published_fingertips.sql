-- OHID Fingertips exports loaded by data.build --source (source_fingertips): every indicator's persons values
-- for the areas of one level and England, in each indicator's latest period. Empty on a demo warehouse.
-- The chart picks one indicator to show.
-- $level   'region' | 'icb'
WITH rows AS (
    SELECT f.*, a.name, a.short_name, a.level, a.accelerator, a.workwell
    FROM source_fingertips f
    JOIN areas a ON a.code = f.area_code
    WHERE a.level IN ($level, 'england')
      AND lower(coalesce(f.sex, 'persons')) = 'persons'
      AND coalesce(f.category_type, '') = ''
),
latest AS (
    SELECT indicator_id, max(time_period_sortable) AS time_period_sortable FROM rows GROUP BY indicator_id
)
SELECT r.indicator_id, r.indicator_name, r.time_period, r.age, r.area_code AS code, r.name, r.short_name, r.level,
       r.value, r.lower_95, r.upper_95, r.count, r.denominator, r.value_note, r.compared_to_england,
       r.accelerator, r.workwell,
       (SELECT files FROM source_file_names WHERE target = 'source_fingertips') AS files
FROM rows r
JOIN latest l USING (indicator_id, time_period_sortable)
ORDER BY r.indicator_id, r.value DESC NULLS LAST, r.name
