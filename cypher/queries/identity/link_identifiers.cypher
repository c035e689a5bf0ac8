// Replaces the identifier and blocking-key links of (re)stored records. Identifier nodes
// are created on first sight, whether a record carries them or only refers to them (a
// person not seen yet), with their type label (Email, Phone, Account, ExternalId) and
// fields; touching them takes their write locks, so concurrent resolvers of overlapping
// identities serialise here instead of creating two persons. Records stored for the
// first time (`new`) have no old links to delete.
// params: $records :: LIST<MAP> each {source, source_id, new: BOOLEAN, carries: LIST<MAP {key, label, props, role}>, refers: LIST<MAP {key, label, props, role, as}>, blocks: LIST<STRING>}, $now :: STRING (RFC 3339)
// returns: linked :: INTEGER
UNWIND $records AS rec
MATCH (r:SourceRecord {source: rec.source, source_id: rec.source_id})
CALL (r, rec) {
  WITH r WHERE NOT rec.new
  OPTIONAL MATCH (r)-[old:CARRIES|REFERS_TO|IN_BLOCK]->()
  DELETE old
}
CALL (r, rec) {
  UNWIND rec.carries + rec.refers AS ident
  MERGE (i:Identifier {key: ident.key})
  ON CREATE SET i:$(ident.label), i += ident.props, i.first_seen = datetime($now),
                i.role = ident.role
  // The write takes the identifier's lock even where a relationship to it would not (a
  // dense node is only share-locked). A role address stays one whoever mentions it; a
  // reference alone never clears it, so role is written only when it turns true.
  SET i.touched_at = datetime($now)
  FOREACH (_ IN CASE WHEN ident.role AND NOT coalesce(i.role, false) THEN [1] ELSE [] END |
    SET i.role = true)
  FOREACH (_ IN CASE WHEN ident.as IS NULL THEN [1] ELSE [] END |
    MERGE (r)-[:CARRIES]->(i))
  FOREACH (_ IN CASE WHEN ident.as IS NULL THEN [] ELSE [1] END |
    MERGE (r)-[:REFERS_TO {role: ident.as}]->(i))
}
CALL (r, rec) {
  UNWIND rec.blocks AS key
  MERGE (b:Block {key: key})
  CREATE (r)-[:IN_BLOCK]->(b)
}
RETURN count(r) AS linked
