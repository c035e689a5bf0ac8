// How many source records are stored, by source.
// params: none
// returns: source :: STRING, records :: INTEGER
MATCH (r:SourceRecord)
RETURN r.source AS source, count(*) AS records
ORDER BY source
