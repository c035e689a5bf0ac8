// The person a source record resolved to.
// params: $source :: STRING, $source_id :: STRING
// returns: person :: STRING
MATCH (r:SourceRecord {source: $source, source_id: $source_id})-[:RESOLVED_TO]->(p:Person)
USING INDEX SEEK r:SourceRecord(source, source_id)
RETURN p.id AS person
