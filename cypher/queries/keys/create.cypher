// Stores a new API key (its hash only); fails on the uniqueness constraint if the id exists.
// params: $id :: STRING, $name :: STRING, $role :: STRING, $hash :: STRING
// returns: id :: STRING, name :: STRING, role :: STRING, created_at :: STRING, revoked_at :: STRING, last_used_at :: STRING
CREATE (k:ApiKey {id: $id, name: $name, role: $role, hash: $hash, created_at: datetime()})
RETURN k.id AS id, k.name AS name, k.role AS role, toString(k.created_at) AS created_at,
       toString(k.revoked_at) AS revoked_at, toString(k.last_used_at) AS last_used_at
