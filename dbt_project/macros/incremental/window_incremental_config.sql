{#-
  How incremental tables replace what a run recomputes, per engine. Everywhere but Spark and
  BigQuery: delete+insert on the table's key (every row of a window, or of a monitor's reference,
  is replaced at once). Spark without Delta/Iceberg has no delete: insert_overwrite of partitions
  on the same key does the same. BigQuery: insert_overwrite on the key's fingerprint
  (cross_db/window_incremental_config_bigquery.sql).
-#}
{% macro window_incremental_strategy() %}
  {{ return(adapter.dispatch('window_incremental_strategy', 'model_monitor')()) }}
{% endmacro %}

{% macro default__window_incremental_strategy() %}{{ return('delete+insert') }}{% endmacro %}
{% macro spark__window_incremental_strategy() %}{{ return('insert_overwrite') }}{% endmacro %}

{#- unique_key for the strategy (insert_overwrite replaces partitions and takes none). -#}
{% macro incremental_unique_key(key) %}
  {{ return(adapter.dispatch('incremental_unique_key', 'model_monitor')(key)) }}
{% endmacro %}

{% macro default__incremental_unique_key(key) %}{{ return(key) }}{% endmacro %}
{% macro spark__incremental_unique_key(key) %}{{ return(none) }}{% endmacro %}

{#- partition_by for the strategy: the replacement key on Spark, nothing elsewhere. -#}
{% macro incremental_partition_by(key) %}
  {{ return(adapter.dispatch('incremental_partition_by', 'model_monitor')(key)) }}
{% endmacro %}

{% macro default__incremental_partition_by(key) %}{{ return(none) }}{% endmacro %}
{% macro spark__incremental_partition_by(key) %}{{ return([key]) }}{% endmacro %}

{#-
  The key's fingerprint column where the engine needs one (key_fingerprint): the models end their
  select with key_fingerprint_column(<key expression>, <key>), and list
  key_fingerprint_columns(<key>) last in an empty relation. Nothing on other engines.
-#}
{% macro key_fingerprint_name(key) %}{{ return(key ~ '_fingerprint') }}{% endmacro %}

{% macro key_fingerprint_column(expression, key) -%}
  {%- set fingerprint = model_monitor.key_fingerprint(expression) -%}
  {%- if fingerprint is not none %},
  {{ fingerprint }} as {{ model_monitor.key_fingerprint_name(key) }}
  {%- endif -%}
{%- endmacro %}

{% macro key_fingerprint_columns(key) %}
  {%- if model_monitor.key_fingerprint(key) is none -%}{{ return([]) }}{%- endif -%}
  {{ return([(model_monitor.key_fingerprint_name(key), dbt.type_bigint())]) }}
{% endmacro %}
