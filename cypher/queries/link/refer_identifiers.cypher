// Links identity records (employees) to the people they name besides themselves (their
// manager) with REFERS_TO, creating identifier nodes not seen yet, and blanks the
// record's link signature so it is relinked once resolution has placed it (null stays
// null: a record never linked has no relationships to delete).
// params: $records :: LIST<MAP> each {source, source_id, refers: LIST<MAP {key, label, props, as}>}, $now :: STRING (RFC 3339)
// returns: records :: INTEGER
UNWIND $records AS rec
MATCH (r:SourceRecord {source: rec.source, source_id: rec.source_id})
SET r.link_signature = CASE WHEN r.link_signature IS NULL THEN null ELSE '' END
WITH r, rec
CALL (r, rec) {
  UNWIND rec.refers AS ident
  MERGE (i:Identifier {key: ident.key})
  ON CREATE SET i:$(ident.label), i += ident.props, i.first_seen = datetime($now),
                i.role = false
  SET i.touched_at = datetime($now)
  MERGE (r)-[:REFERS_TO {role: ident.as}]->(i)
}
RETURN count(r) AS records
