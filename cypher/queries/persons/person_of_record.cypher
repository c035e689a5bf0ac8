// The person a source record resolved to.
// params: $source :: STRING, $source_id :: STRING
// returns: person :: STRING
MATCH (:SourceRecord {source: $source, source_id: $source_id})-[:RESOLVED_TO]->(p:Person)
RETURN p.id AS person
