// Migration V5: API keys of the HTTP and GraphQL APIs.
// (:ApiKey {id, name, role, hash, created_at, revoked_at, last_used_at}): `id` is the public
// part of the key text `gsk_<id>_<secret>` and what a request is looked up by; `hash` is the
// sha256 of the whole key text (the key itself is never stored); `revoked_at` is null while
// the key is valid. Keys are revoked, never deleted, so who used which key stays attributable.
// params: none
// returns: nothing

CREATE CONSTRAINT api_key_id IF NOT EXISTS
FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
