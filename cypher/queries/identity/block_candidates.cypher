// Records sharing a (not oversized) blocking key with a chunk: the candidates the
// resolver scores before deciding which persons to read in full. Each record comes once,
// with the chunk's blocks it is in, and its checksum: the resolver fetches profiles only
// for records it has not seen in that version (identity/record_profiles).
// params: $blocks :: LIST<STRING>, $max_block :: INTEGER
// returns: blocks :: LIST<STRING>, source :: STRING, source_id :: STRING, checksum :: STRING
UNWIND $blocks AS k
MATCH (b:Block {key: k})
WHERE COUNT { (b)<-[:IN_BLOCK]-() } <= $max_block
MATCH (b)<-[:IN_BLOCK]-(r:SourceRecord)
WITH r, collect(k) AS blocks
RETURN blocks, r.source AS source, r.source_id AS source_id, r.checksum AS checksum
