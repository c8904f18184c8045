-- PostgreSQL partitions telemetry by day in its migration 0013; SQLite has no partitions and
-- keeps one table, removed row by row by the retention job. Kept so both backends count the
-- same migrations.
SELECT 1;
