// Records that a migration file was applied, with its checksum (idempotent).
// params: $version :: INTEGER, $name :: STRING, $checksum :: STRING (sha256 hex of the file)
// returns: version :: INTEGER
MERGE (m:SchemaMigration {version: $version})
ON CREATE SET m.name = $name, m.checksum = $checksum, m.applied_at = datetime()
RETURN m.version AS version
