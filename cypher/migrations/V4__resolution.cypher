// Migration V4: the identity-resolution model.
// Every identifier node also carries the label Identifier and a single `key`
// ("email:ann@example.com", "phone:+4930...", "account:x:ann", "external:shop:C-1"),
// so one index seek finds any identifier; Block nodes hold blocking keys; PersonAlias
// keeps merged person ids resolving; Pin groups records a human decided about;
// Suppression keeps salted hashes of forgotten identifiers; Decision and AuditEntry
// record who did what.
// params: none
// returns: nothing

CREATE CONSTRAINT identifier_key IF NOT EXISTS
FOR (i:Identifier) REQUIRE i.key IS UNIQUE;

CREATE CONSTRAINT block_key IF NOT EXISTS
FOR (b:Block) REQUIRE b.key IS UNIQUE;

CREATE CONSTRAINT person_alias_id IF NOT EXISTS
FOR (a:PersonAlias) REQUIRE a.id IS UNIQUE;

CREATE CONSTRAINT pin_id IF NOT EXISTS
FOR (p:Pin) REQUIRE p.id IS UNIQUE;

CREATE CONSTRAINT suppression_hash IF NOT EXISTS
FOR (s:Suppression) REQUIRE s.hash IS UNIQUE;

CREATE CONSTRAINT decision_id IF NOT EXISTS
FOR (d:Decision) REQUIRE d.id IS UNIQUE;

CREATE CONSTRAINT audit_entry_id IF NOT EXISTS
FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE;
