{#-
  Test fixture, not part of the package: BigQuery's incremental replacement played on DuckDB
  (tests/portability/test_bigquery_replacement.py). Found first by dispatch in its root project,
  these make DuckDB write each incremental table's key fingerprint, as BigQuery writes
  farm_fingerprint, and replace rows by it: delete the stored rows whose fingerprint is among the
  new rows', insert the new rows, which is what dbt-bigquery's insert_overwrite does.
-#}
{% macro duckdb__key_fingerprint(expression) %}{{ return('cast(hash(' ~ expression ~ ') >> 1 as bigint)') }}{% endmacro %}
{% macro duckdb__incremental_unique_key(key) %}{{ return(model_monitor.key_fingerprint_name(key)) }}{% endmacro %}
