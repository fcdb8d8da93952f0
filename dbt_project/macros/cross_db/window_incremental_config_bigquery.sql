{#-
  BigQuery overrides of the incremental config in macros/incremental/window_incremental_config.sql
  (docs/portability.md, "BigQuery incremental models"). Sources: dbt-labs/dbt-adapters,
  dbt-bigquery/src/dbt/include/bigquery/macros/materializations/.
  dbt-bigquery has no delete+insert and runs no custom strategy: incremental.sql accepts merge,
  insert_overwrite and microbatch only. merge only updates and inserts, so rows gone from a
  recomputed window would stay. insert_overwrite is delete+insert on a partition column:
  incremental_strategy/insert_overwrite.sql collects the distinct partition values of the new
  rows and merges `on FALSE`, deleting every stored row whose value is among them and inserting
  the new rows. That column has to be int64, date or timestamp, so the table carries the key's
  fingerprint (key_fingerprint, named <key>_fingerprint) and is range-partitioned on it with
  start 0 and interval 1: dbt-bigquery's replacement value for an int64 range,
  `v - mod(v - start, interval)` (dbt-bigquery/src/dbt/adapters/bigquery/relation_configs/
  _partition.py, render_wrapped), is then v itself, so exactly the recomputed keys are replaced.
  The range serves the replacement, not pruning: rows outside it sit in __UNPARTITIONED__.
-#}
{% macro bigquery__window_incremental_strategy() %}{{ return('insert_overwrite') }}{% endmacro %}
{% macro bigquery__incremental_unique_key(key) %}{{ return(none) }}{% endmacro %}
{% macro bigquery__incremental_partition_by(key) %}
  {{ return({'field': model_monitor.key_fingerprint_name(key), 'data_type': 'int64',
             'range': {'start': 0, 'end': 1, 'interval': 1}}) }}
{% endmacro %}
