// Migration V1: uniqueness constraints for every identifier of the graph model.
// Each constraint also backs an index, so MERGE on these keys is an index seek,
// and concurrent writers cannot create two nodes for one identifier.
// params: none
// returns: nothing

CREATE CONSTRAINT person_id IF NOT EXISTS
FOR (p:Person) REQUIRE p.id IS UNIQUE;

CREATE CONSTRAINT email_address IF NOT EXISTS
FOR (e:Email) REQUIRE e.address IS UNIQUE;

CREATE CONSTRAINT phone_e164 IF NOT EXISTS
FOR (p:Phone) REQUIRE p.e164 IS UNIQUE;

CREATE CONSTRAINT account_platform_handle IF NOT EXISTS
FOR (a:Account) REQUIRE (a.platform, a.handle) IS UNIQUE;

CREATE CONSTRAINT external_id_system_value IF NOT EXISTS
FOR (x:ExternalId) REQUIRE (x.system, x.value) IS UNIQUE;

CREATE CONSTRAINT source_record_key IF NOT EXISTS
FOR (r:SourceRecord) REQUIRE (r.source, r.source_id) IS UNIQUE;
