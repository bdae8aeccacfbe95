-- ONS series loaded by data.build --source: UK economic inactivity for one reason, in thousands, by rolling
-- three-month period, for the quarters chosen. Empty on a demo warehouse. From INAC01 workbooks or CSVs
-- (source_inac01) and, for periods INAC01 does not give, from ONS time-series CSVs of the same series
-- (source_ons_series: monthly rows of a Labour Force Survey series in thousands are rolling three months).
-- $reason       words the series' name contains, e.g. 'long-term sick' (LF6A)
-- $sex          'persons' | 'female' | 'male'
-- $start, $end  DATEs: periods ending within them count
WITH inac01 AS (
    SELECT series_id, series_name, sex, period, period_start, period_end, thousands, people,
           (SELECT files FROM source_file_names WHERE target = 'source_inac01') AS files
    FROM source_inac01
    WHERE lower(series_name) LIKE '%' || lower($reason) || '%'
      AND strpos(column_label, '%') = 0      -- people, not a percentage column headed the same
      AND sex = $sex
      AND period_end BETWEEN $start AND $end
      AND thousands IS NOT NULL
),
series AS (
    SELECT cdid AS series_id, title AS series_name, sex,
           strftime(period_start, '%b') || '-' || strftime(period_end, '%b %Y') AS period,
           period_start, period_end, value AS thousands, value * 1000 AS people,
           (SELECT files FROM source_file_names WHERE target = 'source_ons_series') AS files
    FROM source_ons_series
    WHERE replace(lower(title), 'long term', 'long-term') LIKE '%' || lower($reason) || '%'
      AND lower(unit) = 'thousands'
      AND period_type = 'month'
      AND sex = $sex
      AND period_end BETWEEN $start AND $end
      AND value IS NOT NULL
      AND period_end NOT IN (SELECT period_end FROM inac01)
)
SELECT * FROM inac01
UNION ALL
SELECT * FROM series
ORDER BY period_end, series_id
