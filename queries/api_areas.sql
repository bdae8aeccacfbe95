-- Every area the dashboard knows, for /api/v1/areas: England, the ONS regions and the ICBs, with their GSS code,
-- name, level, parent (an ICB's best-fit ONS region; a region's England), ODS code, NHS region and programme flags.
-- No parameters.
SELECT code, name, short_name, level, parent, ods, nhs_region, accelerator, workwell
FROM areas
ORDER BY CASE level WHEN 'england' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, code
