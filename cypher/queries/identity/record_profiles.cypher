// The identity profiles of the given source records.
// params: $records :: LIST<MAP {source, source_id}>
// returns: source :: STRING, source_id :: STRING, checksum :: STRING, profile :: STRING
UNWIND $records AS k
MATCH (r:SourceRecord {source: k.source, source_id: k.source_id})
RETURN r.source AS source, r.source_id AS source_id, r.checksum AS checksum,
       r.profile AS profile
