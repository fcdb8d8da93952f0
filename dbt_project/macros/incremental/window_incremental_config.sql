{#- The incremental strategy for window tables: every row of a recomputed window is replaced. -#}
{% macro window_incremental_strategy() %}
  {{ return(adapter.dispatch('window_incremental_strategy', 'model_monitor')()) }}
{% endmacro %}

{% macro default__window_incremental_strategy() %}{{ return('delete+insert') }}{% endmacro %}
