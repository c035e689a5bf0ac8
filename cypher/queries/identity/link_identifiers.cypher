// Replaces the identifier and blocking-key links of (re)stored records. Identifier nodes
// are created on first sight, whether a record carries them or only refers to them (a
// person not seen yet); touching them takes their write locks, so concurrent resolvers of
// overlapping identities serialise here instead of creating two persons.
// params: $records :: LIST<MAP> each {source, source_id, carries: LIST<MAP {key, type, value, platform, system, role}>, refers: LIST<MAP {key, type, value, platform, system, role, as}>, blocks: LIST<STRING>}, $now :: STRING (RFC 3339)
// returns: linked :: INTEGER
UNWIND $records AS rec
MATCH (r:SourceRecord {source: rec.source, source_id: rec.source_id})
CALL (r) {
  OPTIONAL MATCH (r)-[old:CARRIES|REFERS_TO]->(:Identifier)
  DELETE old
}
CALL (r) {
  OPTIONAL MATCH (r)-[old:IN_BLOCK]->(:Block)
  DELETE old
}
CALL (r, rec) {
  UNWIND rec.carries + rec.refers AS ident
  MERGE (i:Identifier {key: ident.key})
  ON CREATE SET i.first_seen = datetime($now)
  // A role address stays one whoever mentions it; a reference alone never clears it.
  SET i.touched_at = datetime($now), i.role = coalesce(i.role, false) OR ident.role
  FOREACH (_ IN CASE ident.type WHEN 'email' THEN [1] ELSE [] END |
    SET i:Email, i.address = ident.value)
  FOREACH (_ IN CASE ident.type WHEN 'phone' THEN [1] ELSE [] END |
    SET i:Phone, i.e164 = ident.value)
  FOREACH (_ IN CASE ident.type WHEN 'account' THEN [1] ELSE [] END |
    SET i:Account, i.platform = ident.platform, i.handle = ident.value)
  FOREACH (_ IN CASE ident.type WHEN 'external' THEN [1] ELSE [] END |
    SET i:ExternalId, i.system = ident.system, i.value = ident.value)
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
