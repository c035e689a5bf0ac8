// Of the given conversations, those that have text but no embedding yet: what a worker
// embeds after storing a chunk (its own conversations only, so two workers never encode
// the same texts).
// params: $ids :: LIST<STRING>
// returns: id :: STRING, text :: STRING
UNWIND $ids AS id
MATCH (c:Conversation {id: id})
WHERE c.embedding IS NULL AND c.text IS :: STRING NOT NULL
RETURN c.id AS id, c.text AS text
