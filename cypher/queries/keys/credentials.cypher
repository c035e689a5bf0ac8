// What authenticating a request needs about one key: its name, role, hash and state.
// params: $id :: STRING
// returns: id :: STRING, name :: STRING, role :: STRING, hash :: STRING, revoked :: BOOLEAN, used_seconds_ago :: INTEGER (null when never used)
MATCH (k:ApiKey {id: $id})
RETURN k.id AS id, k.name AS name, k.role AS role, k.hash AS hash,
       k.revoked_at IS NOT NULL AS revoked,
       CASE WHEN k.last_used_at IS NULL THEN null
            ELSE duration.inSeconds(k.last_used_at, datetime()).seconds END AS used_seconds_ago
