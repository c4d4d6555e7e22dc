-- Version 2: the job options' tables (unique locks, tracking, cron). Filled by the feature stores.
SELECT 1;
