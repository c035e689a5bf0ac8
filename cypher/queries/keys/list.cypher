// Every API key, oldest first, without its hash.
// params: none
// returns: id :: STRING, name :: STRING, role :: STRING, created_at :: STRING, revoked_at :: STRING, last_used_at :: STRING
MATCH (k:ApiKey)
RETURN k.id AS id, k.name AS name, k.role AS role, toString(k.created_at) AS created_at,
       toString(k.revoked_at) AS revoked_at, toString(k.last_used_at) AS last_used_at
ORDER BY k.created_at, k.id
