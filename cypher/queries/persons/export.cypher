// Every person with its source records, identifiers, merged ids and golden record.
// params: none
// returns: person_id :: STRING, source_records :: LIST<MAP>, identifiers :: LIST<STRING>, aliases :: LIST<STRING>, golden :: STRING, created_at :: STRING, updated_at :: STRING
MATCH (p:Person)
CALL (p) {
  MATCH (p)<-[:RESOLVED_TO]-(r:SourceRecord)
  WITH r ORDER BY r.source, r.source_id
  RETURN collect({source: r.source, source_id: r.source_id}) AS source_records
}
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_IDENTIFIER]->(i:Identifier)
  WITH i ORDER BY i.key
  RETURN collect(i.key) AS identifiers
}
CALL (p) {
  OPTIONAL MATCH (a:PersonAlias)-[:MERGED_INTO]->(p)
  WITH a ORDER BY a.id
  RETURN collect(a.id) AS aliases
}
RETURN p.id AS person_id, source_records, identifiers, aliases, p.golden AS golden,
       toString(p.created_at) AS created_at, toString(p.updated_at) AS updated_at
ORDER BY person_id
