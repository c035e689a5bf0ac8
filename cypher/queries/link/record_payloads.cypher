// The stored payloads of source records.
// params: $records :: LIST<MAP> each {source, source_id}
// returns: source :: STRING, source_id :: STRING, payload :: STRING
UNWIND $records AS k
MATCH (r:SourceRecord {source: k.source, source_id: k.source_id})
RETURN r.source AS source, r.source_id AS source_id, r.payload AS payload
