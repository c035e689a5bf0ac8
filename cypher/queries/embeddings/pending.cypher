// Conversations that have text but no embedding yet, a batch at a time; $id_prefix ''
// takes every conversation, a prefix only those whose id starts with it (index seek).
// params: $id_prefix :: STRING, $limit :: INTEGER
// returns: id :: STRING, text :: STRING
MATCH (c:Conversation)
WHERE c.id STARTS WITH $id_prefix AND c.embedding IS NULL AND c.text IS :: STRING NOT NULL
RETURN c.id AS id, c.text AS text
LIMIT $limit
