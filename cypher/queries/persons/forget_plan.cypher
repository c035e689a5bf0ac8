// What forgetting a person touches: its records, the identifiers only it carries or
// refers to, and other records that are about it (authored, bought, referred...).
// params: $id :: STRING, $principal_roles :: LIST<STRING>
// returns: records :: LIST<STRING>, own_identifiers :: LIST<STRING>, about :: LIST<STRING>
MATCH (p:Person {id: $id})
MATCH (p)<-[:RESOLVED_TO]-(r:SourceRecord)
WITH p, collect(r) AS records
CALL (records) {
  UNWIND records AS r
  MATCH (r)-[:CARRIES]->(i:Identifier)
  WHERE NOT coalesce(i.shared, false) AND NOT coalesce(i.role, false)
  RETURN collect(DISTINCT i.key) AS own_identifiers
}
CALL (own_identifiers) {
  UNWIND own_identifiers AS key
  MATCH (i:Identifier {key: key})<-[ref:REFERS_TO]-(other:SourceRecord)
  USING INDEX SEEK i:Identifier(key)
  WHERE ref.role IN $principal_roles
  RETURN collect(DISTINCT other.source + '|' + other.source_id) AS about
}
RETURN [r IN records | r.source + '|' + r.source_id] AS records, own_identifiers, about
