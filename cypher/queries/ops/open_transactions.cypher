// Open transactions other than this one (on a private test server: the workers' chunk
// transactions), to catch a worker mid-batch.
// params: none
// returns: open :: INTEGER
SHOW TRANSACTIONS YIELD transactionId, currentQuery
WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS'
RETURN count(*) AS open
