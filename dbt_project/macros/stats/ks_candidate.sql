{#-
  The two-sample KS statistic's candidate at one distinct current value x, given the counts of
  reference values <= x and < x and of current values <= x and < x:
  max(|F_ref(x) - F_cur(x)|, |F_ref(x-) - F_cur(x-)|). The statistic is the max over x: between two
  consecutive current values F_cur is flat and F_ref monotone, so the supremum is reached at one
  of these two points.
-#}
{% macro ks_candidate(ref_le, ref_lt, ref_n, cur_le, cur_lt, cur_n) %}
  {{ return(adapter.dispatch('ks_candidate', 'model_monitor')(ref_le, ref_lt, ref_n, cur_le, cur_lt, cur_n)) }}
{% endmacro %}

{% macro default__ks_candidate(ref_le, ref_lt, ref_n, cur_le, cur_lt, cur_n) -%}
  greatest(
    abs(cast({{ ref_le }} as {{ model_monitor.type_double() }}) / {{ ref_n }} - cast({{ cur_le }} as {{ model_monitor.type_double() }}) / {{ cur_n }}),
    abs(cast({{ ref_lt }} as {{ model_monitor.type_double() }}) / {{ ref_n }} - cast({{ cur_lt }} as {{ model_monitor.type_double() }}) / {{ cur_n }}))
{%- endmacro %}
