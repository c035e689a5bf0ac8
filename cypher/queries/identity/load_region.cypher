// The neighbourhood a chunk of identity records can affect: every person owning a record
// that shares an identifier with the chunk, or one of the given records (the chunk's own,
// and the block candidates that scored close to a match); with all of those persons'
// records. Persons are
// touched (write-locked) before their records are read, so a concurrent resolver cannot
// change them under this transaction.
// params: $identifiers :: LIST<STRING>, $records :: LIST<MAP {source, source_id}>, $now :: STRING
// returns: person :: STRING, source :: STRING, source_id :: STRING, profile :: STRING, payload :: STRING, pin :: STRING
CALL () {
  UNWIND $identifiers AS k
  MATCH (i:Identifier {key: k})<-[:CARRIES]-(r:SourceRecord)
  USING INDEX SEEK i:Identifier(key)
  RETURN r
  UNION
  UNWIND $records AS k
  MATCH (r:SourceRecord {source: k.source, source_id: k.source_id})
  RETURN r
}
MATCH (r)-[:RESOLVED_TO]->(p:Person)
WITH DISTINCT p
ORDER BY p.id
SET p.touched_at = datetime($now)
WITH p
MATCH (p)<-[:RESOLVED_TO]-(m:SourceRecord)
OPTIONAL MATCH (m)-[:PINNED_TO]->(pin:Pin)
RETURN p.id AS person, m.source AS source, m.source_id AS source_id,
       m.profile AS profile, m.payload AS payload, pin.id AS pin
