// Conversations whose embedding is nearest to a query vector (cosine), best first.
// params: $vector :: LIST<FLOAT> (384 dimensions), $k :: INTEGER
// returns: id :: STRING, text :: STRING, score :: FLOAT
CALL db.index.vector.queryNodes('conversation_embedding', $k, $vector)
YIELD node, score
RETURN node.id AS id, node.text AS text, score
ORDER BY score DESC
