// Makes the migration history itself unique by version, before anything is applied.
// params: none
// returns: nothing
CREATE CONSTRAINT schema_migration_version IF NOT EXISTS
FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE
