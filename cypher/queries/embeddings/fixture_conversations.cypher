// Tests and the embedding benchmark only: conversations with just an id and a text, for
// embed_pending to find (ingest creates the real ones with their relationships).
// params: $rows :: LIST<MAP> of {id :: STRING, text :: STRING}
// returns: created :: INTEGER
UNWIND $rows AS row
MERGE (c:Conversation {id: row.id})
SET c.text = row.text
RETURN count(c) AS created
