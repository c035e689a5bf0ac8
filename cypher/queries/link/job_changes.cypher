// Materialises job changes: (person)-[:WORKS_AT {title, since, current: true}]->(new
// company) and, when the old employer is known, (person)-[:WORKS_AT {title, until,
// current: false}]->(old company). Contacts and social profiles naming an employer use
// it too: (person)-[:WORKS_AT {title, as_of}]->(company), as of when the source saw it.
// Companies are keyed by domain, else by folded name.
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, person, jobs: LIST<MAP {company: MAP {key, domain, name, name_key, via_name}, title, since, until, current, as_of (optional)}>}
// returns: changes :: INTEGER
UNWIND $rows AS row
CALL (row) {
  UNWIND row.jobs AS job
  MERGE (co:Company {key: job.company.key})
  SET co.domain = coalesce(co.domain, job.company.domain),
      co.name = coalesce(co.name, job.company.name),
      co.name_key = coalesce(co.name_key, job.company.name_key)
  WITH co, job
  MATCH (p:Person {id: row.person})
  CREATE (p)-[x:WORKS_AT]->(co)
  SET x.source = row.source, x.source_id = row.source_id, x.title = job.title,
      x.since = datetime(job.since), x.until = datetime(job.until), x.current = job.current,
      x.as_of = datetime(job.as_of),
      x.via_name = job.company.via_name
}
RETURN count(row) AS changes
