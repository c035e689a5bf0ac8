// Store embeddings on conversations that still lack one and still have the text that was
// encoded (a concurrent worker or a changed text leaves the node to a later call).
// db.create.setNodeVectorProperty keeps the vector as float32, half the size of SET.
// The vectors come as one matrix beside the ids and texts, not inside per-row maps: the
// Python driver builds the repr of every parameter for its debug log even when that log
// is off, and a matrix's repr is abbreviated (a list of 1,000 x 384 floats is not).
// params: $ids :: LIST<STRING>, $texts :: LIST<STRING>, $vectors :: LIST<LIST<FLOAT>> (one row per id)
// returns: embedded :: INTEGER
UNWIND range(0, size($ids) - 1) AS i
MATCH (c:Conversation {id: $ids[i]})
WHERE c.embedding IS NULL AND c.text = $texts[i]
CALL db.create.setNodeVectorProperty(c, 'embedding', $vectors[i])
RETURN count(c) AS embedded
