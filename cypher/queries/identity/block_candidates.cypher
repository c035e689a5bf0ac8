// Records in a chunk's (not oversized) blocking keys: the candidates the resolver scores
// before deciding which persons to read in full. One row per block, its members as
// [source, source_id, checksum] triples (a row per member cost the driver more than the
// data); the resolver fetches profiles only for records it has not seen in that version
// (identity/record_profiles).
// params: $blocks :: LIST<STRING>, $max_block :: INTEGER
// returns: block :: STRING, members :: LIST<LIST<STRING>>
UNWIND $blocks AS k
MATCH (b:Block {key: k})
WHERE COUNT { (b)<-[:IN_BLOCK]-() } <= $max_block
MATCH (b)<-[:IN_BLOCK]-(r:SourceRecord)
RETURN k AS block, collect([r.source, r.source_id, r.checksum]) AS members
