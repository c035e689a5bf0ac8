// Materialises conversation records: one (:Conversation) per record, AUTHORED by its
// author, REPLIED_TO the conversation it answers (a bare node until that one arrives),
// MENTIONS of persons, products and companies, PART_OF its support case and HANDLED_BY
// its department. A changed text drops the embedding, so it is computed again.
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, id, channel, platform, text, subject, at, thread_id, direction, url, language, author, parent, case, department: MAP {key, name} or null, mentioned: LIST<STRING>, products: LIST<MAP {sku, name}>, companies: LIST<MAP {key, domain, name, name_key, via_name}>}
// returns: conversations :: INTEGER
UNWIND $rows AS row
MERGE (c:Conversation {id: row.id})
WITH c, row, c.text IS NOT NULL AND c.text <> row.text AS retext
FOREACH (_ IN CASE WHEN retext THEN [1] ELSE [] END | REMOVE c.embedding)
SET c.source = row.source, c.source_id = row.source_id, c.channel = row.channel,
    c.platform = row.platform, c.text = row.text, c.subject = row.subject,
    c.at = datetime(row.at), c.thread_id = row.thread_id, c.direction = row.direction,
    c.url = row.url, c.language = row.language, c.observed_at = datetime(row.observed_at)
WITH c, row, {source: row.source, source_id: row.source_id} AS src
CALL (c, row, src) {
  MATCH (p:Person {id: row.author})
  CREATE (p)-[x:AUTHORED]->(c)
  SET x = src
}
CALL (c, row, src) {
  UNWIND [id IN [row.parent] WHERE id IS NOT NULL] AS parent_id
  MERGE (parent:Conversation {id: parent_id})
  CREATE (c)-[x:REPLIED_TO]->(parent)
  SET x = src
}
CALL (c, row, src) {
  UNWIND row.mentioned AS person_id
  MATCH (p:Person {id: person_id})
  CREATE (c)-[x:MENTIONS]->(p)
  SET x = src
}
CALL (c, row, src) {
  UNWIND row.products AS product
  MERGE (pr:Product {sku: product.sku})
  SET pr.name = coalesce(pr.name, product.name)
  CREATE (c)-[x:MENTIONS]->(pr)
  SET x = src
}
CALL (c, row, src) {
  UNWIND row.companies AS company
  MERGE (co:Company {key: company.key})
  SET co.domain = coalesce(co.domain, company.domain), co.name = coalesce(co.name, company.name),
      co.name_key = coalesce(co.name_key, company.name_key)
  CREATE (c)-[x:MENTIONS]->(co)
  SET x = src, x.via_name = company.via_name
}
CALL (c, row, src) {
  UNWIND [id IN [row.case] WHERE id IS NOT NULL] AS case_id
  MERGE (s:SupportCase {id: case_id})
  CREATE (c)-[x:PART_OF]->(s)
  SET x = src
}
CALL (c, row, src) {
  UNWIND [d IN [row.department] WHERE d IS NOT NULL] AS department
  MERGE (d:Department {key: department.key})
  ON CREATE SET d.name = department.name
  CREATE (c)-[x:HANDLED_BY]->(d)
  SET x = src
}
RETURN count(c) AS conversations
