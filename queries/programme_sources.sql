-- Where the programme facts come from (data/rollups.sql): each source with its origin, whether it is synthetic,
-- its follow-up and its starts. A chart of programme facts is marked synthetic only if one of these is.
SELECT source, origin, synthetic, followup, sum(participants) AS participants
FROM programme_facts
GROUP BY ALL
ORDER BY origin, source
