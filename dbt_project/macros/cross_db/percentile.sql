{#-
  Aggregate: the p-th quantile (0 <= p <= 1) of an expression's non-null values, interpolated
  linearly between the two nearest ranks (numpy `percentile` default, method "linear").
-#}
{% macro percentile(expression, p) %}
  {%- if p is not number or p < 0 or p > 1 -%}
    {{ exceptions.raise_compiler_error("model_monitor: percentile p must be a number from 0 to 1; got " ~ p | string) }}
  {%- endif -%}
  {{ return(adapter.dispatch('percentile', 'model_monitor')(expression, p)) }}
{% endmacro %}

{% macro default__percentile(expression, p) -%}
  percentile_cont({{ p }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__percentile(expression, p) -%}
  percentile({{ expression }}, {{ p }})
{%- endmacro %}
{% macro databricks__percentile(expression, p) -%}{{ model_monitor.spark__percentile(expression, p) }}{%- endmacro %}

{#-
  BigQuery's percentile_cont is analytic only, and Trino has only approximate percentiles: both
  interpolate between the two nearest ranks of the sorted non-null values, pos = p * (n - 1).
-#}
{% macro bigquery__percentile(expression, p) -%}
  {%- set sorted = 'array_agg(' ~ expression ~ ' ignore nulls order by ' ~ expression ~ ')' -%}
  {%- set pos = p ~ ' * (count(' ~ expression ~ ') - 1)' -%}
  case when count({{ expression }}) > 0 then
    {{ sorted }}[safe_offset(cast(floor({{ pos }}) as int64))]
    + ({{ pos }} - floor({{ pos }}))
    * ({{ sorted }}[safe_offset(cast(ceil({{ pos }}) as int64))] - {{ sorted }}[safe_offset(cast(floor({{ pos }}) as int64))])
  end
{%- endmacro %}

{% macro trino__percentile(expression, p) -%}
  {%- set sorted = 'array_sort(array_agg(' ~ expression ~ ') filter (where ' ~ expression ~ ' is not null))' -%}
  {%- set pos = p ~ ' * (count(' ~ expression ~ ') - 1)' -%}
  case when count({{ expression }}) > 0 then
    element_at({{ sorted }}, cast(floor({{ pos }}) as bigint) + 1)
    + ({{ pos }} - floor({{ pos }}))
    * (element_at({{ sorted }}, cast(ceil({{ pos }}) as bigint) + 1) - element_at({{ sorted }}, cast(floor({{ pos }}) as bigint) + 1))
  end
{%- endmacro %}
