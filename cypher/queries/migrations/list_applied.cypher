// Every applied migration, oldest first.
// params: none
// returns: version :: INTEGER, name :: STRING, checksum :: STRING, applied_at :: DATETIME
MATCH (m:SchemaMigration)
RETURN m.version AS version, m.name AS name, m.checksum AS checksum, m.applied_at AS applied_at
ORDER BY m.version
