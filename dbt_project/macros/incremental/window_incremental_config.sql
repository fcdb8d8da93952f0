{#-
  How incremental tables replace what a run recomputes, per engine. Everywhere but Spark:
  delete+insert on the table's key (every row of a window, or of a monitor's reference, is
  replaced at once). Spark without Delta/Iceberg has no delete: insert_overwrite of partitions on
  the same key does the same.
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
