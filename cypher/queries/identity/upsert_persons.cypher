// Creates or updates resolved persons with their golden record (survivorship) fields and
// their consent flags and provenance (see link/set_consent), computed with them.
// params: $persons :: LIST<MAP> each {id, golden (JSON text), given_name, family_name, full_name, record_count, consent: MAP {email, phone, profiling, provenance (JSON text)}}, $now :: STRING
// returns: persons :: INTEGER
UNWIND $persons AS p
MERGE (n:Person {id: p.id})
ON CREATE SET n.created_at = datetime($now)
SET n.updated_at = datetime($now),
    n.golden = p.golden,
    n.given_name = p.given_name,
    n.family_name = p.family_name,
    n.full_name = p.full_name,
    n.record_count = p.record_count,
    n.consent_email = p.consent.email,
    n.consent_phone = p.consent.phone,
    n.consent_profiling = p.consent.profiling,
    n.consent = p.consent.provenance
RETURN count(n) AS persons
