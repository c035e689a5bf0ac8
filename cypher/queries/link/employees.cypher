// Materialises employee records: (person)-[:MEMBER_OF {title, employee_id, since,
// until}]->(:Department) and (person)-[:REPORTS_TO]->(manager) once both are persons.
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, person, department: MAP {key, name}, title, employee_id, since (date), until (date), manager}
// returns: employees :: INTEGER
UNWIND $rows AS row
MERGE (d:Department {key: row.department.key})
ON CREATE SET d.name = row.department.name
WITH d, row
CALL (d, row) {
  MATCH (p:Person {id: row.person})
  CREATE (p)-[x:MEMBER_OF]->(d)
  SET x.source = row.source, x.source_id = row.source_id, x.title = row.title,
      x.employee_id = row.employee_id, x.since = date(row.since), x.until = date(row.until)
}
CALL (row) {
  MATCH (p:Person {id: row.person})
  MATCH (m:Person {id: row.manager})
  CREATE (p)-[x:REPORTS_TO]->(m)
  SET x.source = row.source, x.source_id = row.source_id
}
RETURN count(row) AS employees
