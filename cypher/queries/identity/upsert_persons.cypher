// Creates or updates resolved persons with their golden record (survivorship) fields.
// params: $persons :: LIST<MAP> each {id, golden (JSON text), given_name, family_name, full_name, record_count}, $now :: STRING
// returns: persons :: INTEGER
UNWIND $persons AS p
MERGE (n:Person {id: p.id})
ON CREATE SET n.created_at = datetime($now)
SET n.updated_at = datetime($now),
    n.golden = p.golden,
    n.given_name = p.given_name,
    n.family_name = p.family_name,
    n.full_name = p.full_name,
    n.record_count = p.record_count
RETURN count(n) AS persons
