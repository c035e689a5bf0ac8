// The stored embedding of each conversation asked for (null where none yet).
// params: $ids :: LIST<STRING>
// returns: id :: STRING, embedding :: LIST<FLOAT>
UNWIND $ids AS id
MATCH (c:Conversation {id: id})
RETURN c.id AS id, c.embedding AS embedding
