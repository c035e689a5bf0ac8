// Source records stored more than once under one (source, source_id), among the given
// sources; an empty answer means every record is present exactly once.
// params: $sources :: LIST<STRING>
// returns: source :: STRING, source_id :: STRING, copies :: INTEGER
MATCH (r:SourceRecord)
WHERE r.source IN $sources
WITH r.source AS source, r.source_id AS source_id, count(*) AS copies
WHERE copies > 1
RETURN source, source_id, copies
ORDER BY source, source_id
LIMIT 100
