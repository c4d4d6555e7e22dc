-- Version 4: the nodes of a cluster and the workers connected to them.
SELECT 1;
