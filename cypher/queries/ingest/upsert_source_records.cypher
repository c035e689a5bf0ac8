// Stores source records as received, one node per (source, source_id); replaying
// the same record changes nothing, a changed record replaces the payload.
// A record stored without some faulty optional parts carries the warnings that name them
// and its raw line (`original`); a later clean version has no `original`, so setting the
// absent key removes the stale one instead of leaving evidence of a version no longer held.
// params: $records :: LIST<MAP> each {source, source_id, kind, observed_at (RFC 3339), payload (JSON text), checksum, warnings (JSON text, "[]" when none), original (raw line, only with warnings)}, $batch_id :: STRING
// returns: created :: INTEGER, duplicate :: INTEGER, updated :: INTEGER
UNWIND $records AS rec
OPTIONAL MATCH (old:SourceRecord {source: rec.source, source_id: rec.source_id})
WITH rec, old.checksum AS previous
MERGE (r:SourceRecord {source: rec.source, source_id: rec.source_id})
ON CREATE SET r.first_batch = $batch_id
SET r.kind = rec.kind,
    r.payload = rec.payload,
    r.checksum = rec.checksum,
    r.observed_at = datetime(rec.observed_at),
    r.warnings = coalesce(rec.warnings, '[]'),
    r.original = rec.original
RETURN sum(CASE WHEN previous IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN previous = rec.checksum THEN 1 ELSE 0 END) AS duplicate,
       sum(CASE WHEN previous IS NOT NULL AND previous <> rec.checksum THEN 1 ELSE 0 END) AS updated
