// Tests and the embedding benchmark only: remove the conversations they created, by id.
// params: $ids :: LIST<STRING>
// returns: deleted :: INTEGER
UNWIND $ids AS id
MATCH (c:Conversation {id: id})
DETACH DELETE c
RETURN count(*) AS deleted
