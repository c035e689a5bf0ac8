// Migration V2: uniqueness constraints for the business entities people link to.
// params: none
// returns: nothing

CREATE CONSTRAINT company_domain IF NOT EXISTS
FOR (c:Company) REQUIRE c.domain IS UNIQUE;

CREATE CONSTRAINT product_sku IF NOT EXISTS
FOR (p:Product) REQUIRE p.sku IS UNIQUE;

CREATE CONSTRAINT department_name IF NOT EXISTS
FOR (d:Department) REQUIRE d.name IS UNIQUE;

CREATE CONSTRAINT conversation_id IF NOT EXISTS
FOR (c:Conversation) REQUIRE c.id IS UNIQUE;

CREATE CONSTRAINT support_case_id IF NOT EXISTS
FOR (s:SupportCase) REQUIRE s.id IS UNIQUE;

CREATE CONSTRAINT deal_id IF NOT EXISTS
FOR (d:Deal) REQUIRE d.id IS UNIQUE;

CREATE CONSTRAINT campaign_id IF NOT EXISTS
FOR (c:Campaign) REQUIRE c.id IS UNIQUE;

CREATE CONSTRAINT ingest_batch_id IF NOT EXISTS
FOR (b:IngestBatch) REQUIRE b.id IS UNIQUE;
