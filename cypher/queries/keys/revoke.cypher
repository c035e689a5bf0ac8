// Revokes a key; revoking it again keeps the first revocation time.
// params: $id :: STRING
// returns: id :: STRING, name :: STRING, role :: STRING, created_at :: STRING, revoked_at :: STRING, last_used_at :: STRING
MATCH (k:ApiKey {id: $id})
SET k.revoked_at = coalesce(k.revoked_at, datetime())
RETURN k.id AS id, k.name AS name, k.role AS role, toString(k.created_at) AS created_at,
       toString(k.revoked_at) AS revoked_at, toString(k.last_used_at) AS last_used_at
