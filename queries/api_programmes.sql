-- Every back-to-work programme, for /api/v1/programmes: id (the intervention filter's value), names, where and when
-- it ran, its source, and the ICBs it ran in. No parameters.
SELECT p.id, p.name, p.short_name, p.description, p."where", p.start, p."end", p.source_name, p.source_url,
       list(a.icb_code ORDER BY a.icb_code) FILTER (WHERE a.icb_code IS NOT NULL) AS icbs
FROM programmes p
LEFT JOIN programme_areas a ON a.programme = p.id
GROUP BY ALL
ORDER BY p.name
