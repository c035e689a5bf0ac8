// Records whose derived relationships may have changed with the given persons: records
// referring to one of their identifiers or, as an external id, to one of their records' keys, records of linked kinds resolved to them, and
// records whose derived relationships (they carry source_id) touch them now.
// params: $ids :: LIST<STRING>, $kinds :: LIST<STRING>
// returns: source :: STRING, source_id :: STRING
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  MATCH (p)-[:HAS_IDENTIFIER]->(:Identifier)<-[:REFERS_TO]-(r:SourceRecord)
  RETURN r.source AS source, r.source_id AS source_id
  UNION
  MATCH (p)<-[:RESOLVED_TO]-(m:SourceRecord)
  MATCH (i:Identifier {key: 'external:' + m.source + ':' + m.source_id})<-[:REFERS_TO]-(r:SourceRecord)
  USING INDEX SEEK i:Identifier(key)
  RETURN r.source AS source, r.source_id AS source_id
  UNION
  MATCH (p)<-[:RESOLVED_TO]-(r:SourceRecord)
  WHERE r.kind IN $kinds
  RETURN r.source AS source, r.source_id AS source_id
  UNION
  MATCH (p)-[x]-()
  WHERE x.source_id IS NOT NULL
  RETURN x.source AS source, x.source_id AS source_id
}
RETURN DISTINCT source, source_id
