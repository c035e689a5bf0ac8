// Stores source records, one node per (source, source_id), with the identity profile of
// identity kinds and any fields set aside. The newest version of a record wins, whatever
// the order versions arrive in: a replayed unchanged record is a 'duplicate', and a version
// observed before the stored one is 'stale' and left out (equal observed_at: the larger
// checksum wins), so concurrent workers and reordered chunks converge on one state.
// An unchanged record last written by this very chunk is 'redone': a second delivery of a
// chunk whose transaction had committed (its worker died, or Redis went away, before the
// chunk was marked done). It is counted as the first delivery counted it, not as a
// duplicate of itself. $chunk_id null (tests, benchmarks): never 'redone'.
// params: $records :: LIST<MAP> each {source, source_id, kind, observed_at (RFC 3339), payload (JSON text), checksum, profile (JSON text or null), warnings (JSON text), original (raw line or null)}, $batch_id :: STRING, $chunk_id :: STRING or null
// returns: source :: STRING, source_id :: STRING, status :: STRING ('created', 'updated', 'redone', 'duplicate' or 'stale')
UNWIND $records AS rec
OPTIONAL MATCH (old:SourceRecord {source: rec.source, source_id: rec.source_id})
WITH rec, old.checksum AS previous, old.observed_at AS seen, old.last_chunk AS written_by,
     datetime(rec.observed_at) AS observed
MERGE (r:SourceRecord {source: rec.source, source_id: rec.source_id})
ON CREATE SET r.first_batch = $batch_id
WITH r, rec, observed,
     CASE WHEN previous IS NULL THEN 'created'
          WHEN previous = rec.checksum AND written_by = $chunk_id THEN 'redone'
          WHEN previous = rec.checksum THEN 'duplicate'
          WHEN seen > observed OR (seen = observed AND previous > rec.checksum) THEN 'stale'
          ELSE 'updated' END AS status
FOREACH (_ IN CASE WHEN status IN ['created', 'updated'] THEN [1] ELSE [] END |
  SET r.kind = rec.kind,
      r.payload = rec.payload,
      r.checksum = rec.checksum,
      r.observed_at = observed,
      r.profile = rec.profile,
      r.warnings = rec.warnings,
      r.original = rec.original,
      r.last_batch = $batch_id,
      r.last_chunk = $chunk_id)
RETURN rec.source AS source, rec.source_id AS source_id, status
