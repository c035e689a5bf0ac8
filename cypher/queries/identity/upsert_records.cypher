// Stores source records as received, one node per (source, source_id), with the identity
// profile of identity kinds and any fields set aside; a replayed unchanged record is left
// untouched and reported as a duplicate.
// params: $records :: LIST<MAP> each {source, source_id, kind, observed_at (RFC 3339), payload (JSON text), checksum, profile (JSON text or null), warnings (JSON text), original (raw line or null)}, $batch_id :: STRING
// returns: source :: STRING, source_id :: STRING, status :: STRING ('created', 'updated' or 'duplicate')
UNWIND $records AS rec
OPTIONAL MATCH (old:SourceRecord {source: rec.source, source_id: rec.source_id})
WITH rec, old.checksum AS previous
MERGE (r:SourceRecord {source: rec.source, source_id: rec.source_id})
ON CREATE SET r.first_batch = $batch_id
WITH r, rec,
     CASE WHEN previous IS NULL THEN 'created'
          WHEN previous = rec.checksum THEN 'duplicate'
          ELSE 'updated' END AS status
FOREACH (_ IN CASE WHEN status = 'duplicate' THEN [] ELSE [1] END |
  SET r.kind = rec.kind,
      r.payload = rec.payload,
      r.checksum = rec.checksum,
      r.observed_at = datetime(rec.observed_at),
      r.profile = rec.profile,
      r.warnings = rec.warnings,
      r.original = rec.original,
      r.last_batch = $batch_id)
RETURN rec.source AS source, rec.source_id AS source_id, status
