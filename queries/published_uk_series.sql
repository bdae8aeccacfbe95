-- ONS INAC01 series loaded by data.build --source (source_inac01): UK economic inactivity for one reason, in
-- thousands, by rolling three-month period, for the quarters chosen. Empty on a demo warehouse.
-- $reason       words the series' name contains, e.g. 'long-term sick' (LF6A)
-- $sex          'persons' | 'female' | 'male'
-- $start, $end  DATEs: periods ending within them count
SELECT series_id, series_name, sex, period, period_start, period_end, thousands, people,
       (SELECT files FROM source_file_names WHERE target = 'source_inac01') AS files
FROM source_inac01
WHERE lower(series_name) LIKE '%' || lower($reason) || '%'
  AND sex = $sex
  AND period_end BETWEEN $start AND $end
  AND thousands IS NOT NULL
ORDER BY series_id, period_end
