// Records in a chunk's (not oversized) blocking keys: the candidates the resolver scores
// before deciding which persons to read in full. One row per block, its members as
// [source, source_id, checksum] triples (a row per member cost the driver more than the
// data); the resolver fetches profiles only for records it has not seen in that version
// (identity/record_profiles).
// params: $blocks :: LIST<STRING>, $max_block :: INTEGER
// returns: block :: STRING, members :: LIST<LIST<STRING>>
// The members are read in a subquery from the block, and the block is sought by its index:
// a plan made while the store was small (the first chunks after a wipe) once started from
// the SourceRecord label instead, and took 2 s a chunk until the next replan.
UNWIND $blocks AS k
MATCH (b:Block {key: k})
USING INDEX SEEK b:Block(key)
WHERE COUNT { (b)<-[:IN_BLOCK]-() } <= $max_block
CALL (b) {
  MATCH (b)<-[:IN_BLOCK]-(r)
  RETURN collect([r.source, r.source_id, r.checksum]) AS members
}
WITH k, members WHERE members <> []
RETURN k AS block, members
