-- PostgreSQL twin of migrations/0022_timer_leases.sql
-- Several processes on one database (issue 19): a process claims a due timer before it runs
-- it, for a while (the lease); another process skips it meanwhile, and fires it once the
-- lease has run out if the first died on it. A finished or retried timer has no lease.
ALTER TABLE timers ADD COLUMN lease_owner TEXT;
ALTER TABLE timers ADD COLUMN lease_until TEXT;
