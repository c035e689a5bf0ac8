// Stores each person's consent flags (true, false, or null for unknown) and, as JSON,
// the statement behind each flag (source record, time, kind, reason).
// params: $persons :: LIST<MAP> each {id, email, phone, profiling, provenance (JSON text)}
// returns: persons :: INTEGER
UNWIND $persons AS s
MATCH (p:Person {id: s.id})
SET p.consent_email = s.email,
    p.consent_phone = s.phone,
    p.consent_profiling = s.profiling,
    p.consent = s.provenance
RETURN count(p) AS persons
