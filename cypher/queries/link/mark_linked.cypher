// Stores on each record the persons it is being linked to (its signature); the write
// also locks the record, so concurrent relinks of one record run one after the other.
// params: $records :: LIST<MAP> each {source, source_id, signature}
// returns: marked :: INTEGER
UNWIND $records AS k
MATCH (r:SourceRecord {source: k.source, source_id: k.source_id})
SET r.link_signature = k.signature
RETURN count(r) AS marked
