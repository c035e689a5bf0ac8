// Store embeddings on conversations that still lack one and still have the text that was
// encoded (a concurrent worker or a changed text leaves the node to a later call).
// db.create.setNodeVectorProperty keeps the vector as float32, half the size of SET.
// params: $rows :: LIST<MAP> of {id :: STRING, text :: STRING, vector :: LIST<FLOAT>}
// returns: embedded :: INTEGER
UNWIND $rows AS row
MATCH (c:Conversation {id: row.id})
WHERE c.embedding IS NULL AND c.text = row.text
CALL db.create.setNodeVectorProperty(c, 'embedding', row.vector)
RETURN count(c) AS embedded
