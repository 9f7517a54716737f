-- Prefix search (LIKE 'CN-0012%') cannot use a collation-aware btree index in PostgreSQL: pattern-ops indexes can.
-- (H2 compares binary by default and uses its plain indexes.) Measured in docs/benchmarks.md: 14 ms -> see there.
CREATE INDEX charger_list_number_prefix ON charger_list (charger_number varchar_pattern_ops);
CREATE INDEX id_tag_list_prefix ON id_tag_list (id_tag varchar_pattern_ops);
