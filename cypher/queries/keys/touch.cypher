// Records that a key was just used (called at most once a minute per key).
// params: $id :: STRING
// returns: id :: STRING
MATCH (k:ApiKey {id: $id})
SET k.last_used_at = datetime()
RETURN k.id AS id
