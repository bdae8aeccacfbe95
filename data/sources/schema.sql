-- Tables for real source files, created in every warehouse (empty in a demo build) and filled by `python -m data.build --source DIR`.
-- Each holds one format's rows, normalised but not reshaped; the survey fact tables (population, long_term_sick)
-- need age x sex x condition cells that the published files do not have, so pages read these separately (queries/published_*.sql).

-- What was loaded: one row per table (a CSV file, or one sheet of a workbook).
CREATE TABLE source_files (
    file VARCHAR NOT NULL,           -- path under the source directory, with [sheet] for a workbook
    format VARCHAR NOT NULL,         -- fingertips | nomis_aps | nomis_query | inac01 | ons_series | pilot_returns
    target VARCHAR NOT NULL,         -- the table it loaded
    rows INTEGER NOT NULL,
    sha256 VARCHAR NOT NULL,         -- of the whole file
    release_date DATE                -- as the file states it ('Release date', 'Published:'); NULL when it does not
);

-- The files behind each table, for the source line of a chart that draws it.
CREATE VIEW source_file_names AS
SELECT target, string_agg(DISTINCT file, ', ' ORDER BY file) AS files
FROM source_files
GROUP BY target;

-- Fingertips (OHID) all_data/csv exports.
CREATE TABLE source_fingertips (
    indicator_id INTEGER, indicator_name VARCHAR, parent_code VARCHAR, parent_name VARCHAR,
    area_code VARCHAR NOT NULL,      -- current GSS code (old ICB codes mapped)
    area_name VARCHAR, area_type VARCHAR, sex VARCHAR, age VARCHAR, category_type VARCHAR, category VARCHAR,
    time_period VARCHAR NOT NULL,    -- Fingertips' label: '2023', '2022/23', '2023 Q1' ...
    value DOUBLE, lower_95 DOUBLE, upper_95 DOUBLE, lower_998 DOUBLE, upper_998 DOUBLE,
    count DOUBLE, denominator DOUBLE, value_note VARCHAR, recent_trend VARCHAR,
    compared_to_england VARCHAR, compared_to_percentiles VARCHAR, time_period_sortable BIGINT,
    new_data VARCHAR, compared_to_goal VARCHAR,
    compared_to_parent VARCHAR,      -- the website export's 'Compared to parent value or percentiles'
    area_level VARCHAR               -- england | region | icb | la | nhs_region | other (kept, not drawn)
);

-- Nomis APS: one row per rolling year x area x variable; the measures side by side.
CREATE TABLE source_nomis_aps (
    period VARCHAR NOT NULL,         -- 'Jan 2023-Dec 2023'
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    area_code VARCHAR NOT NULL,
    area_name VARCHAR,
    variable VARCHAR NOT NULL,
    is_percentage BOOLEAN NOT NULL,  -- the variable's name starts with '%'
    value DOUBLE,                    -- NULL when flagged '!' (not published) or missing
    numerator DOUBLE,
    denominator DOUBLE,
    confidence DOUBLE,               -- half-width of the 95% interval
    ci_lower DOUBLE,
    ci_upper DOUBLE,
    flag VARCHAR,                    -- '!' | '*' | '~' | '-' | NULL
    reliability VARCHAR NOT NULL,    -- plain words for the flag; 'reliable' when there is none
    area_level VARCHAR NOT NULL,     -- england | region | icb | la | nhs_region | other (kept, not drawn)
    aggregated BOOLEAN NOT NULL      -- an ICB row summed by the build from local authorities (best fit)
);

-- ONS INAC01-style series, UK, rolling three-month periods.
CREATE TABLE source_inac01 (
    area_code VARCHAR NOT NULL,      -- K02000001 (UK)
    sex VARCHAR NOT NULL,            -- persons | male | female (from the sheet)
    period VARCHAR NOT NULL,         -- 'Mar-May 2024'
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    series_id VARCHAR NOT NULL,      -- LF6A long-term sick, ...
    series_name VARCHAR NOT NULL,    -- the column's label, e.g. 'Long-term sick'
    column_label VARCHAR NOT NULL,   -- with its group heading, e.g. 'Economically inactive by reason: Long-term sick'
    thousands DOUBLE,                -- NULL where ONS shows '..'
    people DOUBLE
);

-- Pilot returns from ICBs (the project's template), one row per ICB x quarter x programme x condition group.
CREATE TABLE pilot_returns (
    icb_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL,         -- 'YYYYQn'
    period_start DATE NOT NULL,
    programme VARCHAR NOT NULL,
    condition_group VARCHAR NOT NULL,
    referrals INTEGER,
    starts INTEGER,
    job_outcomes INTEGER,
    sustained_outcomes INTEGER,
    cost_gbp DOUBLE,
    file VARCHAR                     -- the return it came from (source_files.file); the programme facts' source
);

-- ONS time-series CSVs (one series a file: LF6A and the like), every period the file gives.
CREATE TABLE source_ons_series (
    cdid VARCHAR NOT NULL,           -- the series identifier, e.g. LF6A
    title VARCHAR NOT NULL,
    dataset_id VARCHAR,              -- 'Source dataset ID', e.g. LMS
    unit VARCHAR,                    -- e.g. Thousands
    release_date DATE,               -- of the edition the value came from
    sex VARCHAR NOT NULL,            -- persons | male | female (from the title)
    period VARCHAR NOT NULL,         -- '2024', '2024 Q1', '2024 JAN'
    period_type VARCHAR NOT NULL,    -- year | quarter | month (LFS months: the three months ending in it)
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    value DOUBLE                     -- NULL where ONS shows '..'
);
