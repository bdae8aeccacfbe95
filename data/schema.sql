-- The warehouse schema. Reference tables come from data/reference/*.csv; fact tables from the demo
-- generator or from real source files. Region and England rows of the fact tables are rollups of the
-- ICB rows, made at build time (an ICB's ONS region is a best fit: ICBs do not nest in regions).

CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE TABLE areas (
    code VARCHAR PRIMARY KEY,        -- GSS code: E92 England, E12 ONS region, E54 ICB
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,          -- 'england' | 'region' | 'icb'
    parent VARCHAR,                  -- ICB -> best-fit ONS region -> England
    ods VARCHAR,                     -- ODS code (ICBs only)
    nhs_region VARCHAR,              -- NHS England region GSS code (ICBs only)
    accelerator BOOLEAN NOT NULL,    -- Health and Growth Accelerator ICB
    workwell BOOLEAN NOT NULL        -- WorkWell vanguard ICB
);

CREATE TABLE condition_groups (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, parent VARCHAR,
                               sort INTEGER NOT NULL, description VARCHAR NOT NULL);

CREATE TABLE conditions (
    code INTEGER PRIMARY KEY,        -- LFS main health problem (HEALTH20) code
    name VARCHAR NOT NULL,
    group_id VARCHAR NOT NULL,       -- msk | mental | heart | diabetes | other
    subgroup VARCHAR                 -- 'back' for code 3, within msk
);

CREATE TABLE programmes (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR NOT NULL, description VARCHAR NOT NULL,
    "where" VARCHAR NOT NULL, start DATE NOT NULL, "end" DATE, calibration VARCHAR NOT NULL,
    source_name VARCHAR NOT NULL, source_url VARCHAR NOT NULL,
    app_use_benchmark DOUBLE         -- published share of participants who used the app (digital MSK), else NULL
);

CREATE TABLE programme_areas (programme VARCHAR NOT NULL, icb_code VARCHAR NOT NULL);

-- Population aged 16-64 and survey sample size by quarter x area x age band x sex.
CREATE TABLE population (
    period VARCHAR NOT NULL,         -- 'YYYYQn'
    period_start DATE NOT NULL,
    area_code VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    age_band VARCHAR NOT NULL,       -- '16-24' | '25-34' | '35-49' | '50-64'
    sex VARCHAR NOT NULL,            -- 'female' | 'male'
    population DOUBLE NOT NULL,      -- weighted population estimate
    sample_size INTEGER NOT NULL     -- respondents in the cell
);

-- Economically inactive because of long-term sickness, by main health condition.
CREATE TABLE long_term_sick (
    period VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    age_band VARCHAR NOT NULL,
    sex VARCHAR NOT NULL,
    condition_code INTEGER NOT NULL,
    people DOUBLE NOT NULL,          -- weighted estimate
    sample_n INTEGER NOT NULL        -- respondents behind the estimate
);

-- One row per participant in a back-to-work programme.
CREATE TABLE participants (
    id BIGINT NOT NULL,
    programme VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL,
    condition_code INTEGER NOT NULL,
    condition_group VARCHAR NOT NULL,
    age_band VARCHAR NOT NULL,
    sex VARCHAR NOT NULL,
    referral_source VARCHAR NOT NULL,    -- GP | employer | self | Jobcentre | physio
    long_term_unemployed BOOLEAN NOT NULL,
    start_date DATE NOT NULL,
    followup_days INTEGER NOT NULL,      -- days from start to the data cut-off
    days_to_job INTEGER,                 -- start to first paid work, if seen within 12 months and by the cut-off
    sustained_26w BOOLEAN,               -- that job lasted 26 weeks; NULL until knowable
    cost_gbp DOUBLE NOT NULL,
    app_used BOOLEAN,                    -- digital MSK only
    adherence DOUBLE,                    -- digital MSK only: share of prescribed sessions done
    mskhq_change DOUBLE                  -- digital MSK only: MSK-HQ points gained, where recorded
);

-- ---- The domain (read by dashboard/domain.py once per data version) ----------------------------------------

-- Area membership: every area with itself and each area that contains it (an ICB is in its best-fit ONS region
-- and England). ``in_area(code, geo)`` is the one membership test every query uses.
CREATE TABLE area_members (area VARCHAR NOT NULL, member VARCHAR NOT NULL, PRIMARY KEY (area, member));
CREATE MACRO in_area(code, geo) AS EXISTS (SELECT 1 FROM area_members m WHERE m.area = geo AND m.member = code);

-- NHS England regions (an ICB's nhs_region), with the codes older files use.
CREATE TABLE nhs_regions (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);

-- The hex cartogram's layout: ICB code, column and row (row 0 is north).
CREATE TABLE area_hex (code VARCHAR PRIMARY KEY, col INTEGER NOT NULL, "row" INTEGER NOT NULL);

-- The publications the dashboard draws on (data/reference/sources.csv), for the About page.
CREATE TABLE reference_sources (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, publisher VARCHAR NOT NULL,
                                url VARCHAR NOT NULL, licence VARCHAR NOT NULL, used_for VARCHAR NOT NULL);

-- The demo generator's assumptions, in order (empty in a build with no synthetic rows).
CREATE TABLE demo_assumptions (sort INTEGER PRIMARY KEY, text VARCHAR NOT NULL);

-- ---- Long-term sickness: one fact model, whatever the origin ------------------------------------------------
-- Every publication (or the demo generator) a fact row came from.
CREATE TABLE sources (
    id VARCHAR PRIMARY KEY,          -- 'demo' | the format (nomis_aps, inac01, ons_series)
    publisher VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    release_date DATE,               -- where the file says
    file VARCHAR,                    -- the files, comma-separated (NULL for the generator)
    format VARCHAR NOT NULL,
    synthetic BOOLEAN NOT NULL
);

-- Long-term sickness as published: one row per source x measure x area x period x age x sex x condition.
-- ``period`` is the key the filters use, the quarter the period ends in; ``period_type`` says what it covers.
-- Dimensions are 'all' where the source gives only totals. Percentages are 0-100.
CREATE TABLE lts_facts (
    source_id VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,        -- as published, e.g. '% of economically inactive who are long-term sick'
    unit VARCHAR NOT NULL,           -- 'percent' | 'people'
    area_code VARCHAR NOT NULL,
    level VARCHAR NOT NULL,          -- 'uk' | 'england' | 'region' | 'icb'
    period VARCHAR NOT NULL,         -- 'YYYYQn': the quarter the period ends in
    period_type VARCHAR NOT NULL,    -- 'quarter' | 'rolling_year' | 'three_month'
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    period_label VARCHAR NOT NULL,   -- 'year to Dec 2023', 'Oct-Dec 2023'
    age_band VARCHAR NOT NULL,       -- 'all' or a band
    sex VARCHAR NOT NULL,            -- 'all' | 'female' | 'male'
    condition VARCHAR NOT NULL,      -- 'all' or a condition group id
    value DOUBLE,                    -- NULL where the source does not publish it
    numerator DOUBLE,
    denominator DOUBLE,
    ci_lower DOUBLE,                 -- 95% interval where the source gives one
    ci_upper DOUBLE,
    sample_size INTEGER,
    flag VARCHAR,                    -- the source's own flag (APS '!', '*', '~')
    aggregated BOOLEAN NOT NULL,     -- summed by the build (ICBs from local authorities, best fit)
    synthetic BOOLEAN NOT NULL
);

-- The published totals the charts draw: lts_facts rows from source files (never synthetic), percentages, for
-- everyone (age, sex and condition 'all'), with the area's names and the source in words
-- (queries/lts_published.sql, lts_published_series.sql).
CREATE VIEW published_totals AS
SELECT f.*, a.name, a.short_name, a.accelerator, a.workwell,
       s.publisher || ', ' || s.dataset AS source, s.file AS files
FROM lts_facts f
JOIN areas a ON a.code = f.area_code
JOIN sources s ON s.id = f.source_id
WHERE NOT f.synthetic
  AND f.unit = 'percent'
  AND f.age_band = 'all' AND f.sex = 'all' AND f.condition = 'all';
