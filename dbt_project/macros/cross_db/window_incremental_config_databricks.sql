{#-
  Databricks overrides of the incremental config in macros/incremental/window_incremental_config.sql.
  dbt-databricks would inherit Spark's insert_overwrite, which it only runs on all-purpose
  clusters, not on SQL warehouses; its Delta tables take delete+insert on the key, as every
  engine but Spark does.
-#}
{% macro databricks__window_incremental_strategy() %}{{ return('delete+insert') }}{% endmacro %}
{% macro databricks__incremental_unique_key(key) %}{{ return(key) }}{% endmacro %}
{% macro databricks__incremental_partition_by(key) %}{{ return(none) }}{% endmacro %}
