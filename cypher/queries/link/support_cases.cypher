// Materialises support case records: one (:SupportCase) per case of a source, whose
// properties follow the most recently observed record; (requester)-[:OPENED]->(case),
// (case)-[:ASSIGNED_TO]->(agent), (case)-[:HANDLED_BY]->(:Department),
// (case)-[:CONCERNS]->(:Product). private_notes is sensitive: read it only where allowed.
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, id, case_id, status, priority, satisfaction, subject, private_notes, opened_at, closed_at, requester, assignee, department: MAP {key, name} or null, product: MAP {sku, name} or null}
// returns: cases :: INTEGER
UNWIND $rows AS row
MERGE (s:SupportCase {id: row.id})
WITH s, row, {source: row.source, source_id: row.source_id} AS src
FOREACH (_ IN CASE WHEN s.observed_at IS NULL OR s.observed_at <= datetime(row.observed_at)
                   THEN [1] ELSE [] END |
  SET s.source = row.source, s.source_id = row.source_id, s.case_id = row.case_id,
      s.status = row.status, s.priority = row.priority, s.satisfaction = row.satisfaction,
      s.subject = row.subject, s.private_notes = row.private_notes,
      s.department = row.department.name, s.opened_at = datetime(row.opened_at),
      s.closed_at = datetime(row.closed_at), s.observed_at = datetime(row.observed_at))
WITH s, row, src
CALL (s, row, src) {
  MATCH (p:Person {id: row.requester})
  CREATE (p)-[x:OPENED]->(s)
  SET x = src
}
CALL (s, row, src) {
  MATCH (p:Person {id: row.assignee})
  CREATE (s)-[x:ASSIGNED_TO]->(p)
  SET x = src
}
CALL (s, row, src) {
  UNWIND [d IN [row.department] WHERE d IS NOT NULL] AS department
  MERGE (d:Department {key: department.key})
  ON CREATE SET d.name = department.name
  CREATE (s)-[x:HANDLED_BY]->(d)
  SET x = src
}
CALL (s, row, src) {
  UNWIND [p IN [row.product] WHERE p IS NOT NULL] AS product
  MERGE (pr:Product {sku: product.sku})
  SET pr.name = coalesce(pr.name, product.name)
  CREATE (s)-[x:CONCERNS]->(pr)
  SET x = src
}
RETURN count(s) AS cases
