{#- The integers 0 .. 10^digits - 1 as column `n`, from cross-joined digits (no generate_series). -#}
{% macro numbers(digits) %}
  {{ return(adapter.dispatch('numbers', 'model_monitor')(digits)) }}
{% endmacro %}

{% macro default__numbers(digits) -%}
  {%- set digit_rows -%}
    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
  {%- endset -%}
  select
    {% for i in range(digits) %}{% if not loop.first %} + {% endif %}d{{ i }}.d * {{ 10 ** i }}{% endfor %} as n
  from {% for i in range(digits) %}{% if not loop.first %} cross join {% endif %}({{ digit_rows }}) as d{{ i }}{% endfor %}
{%- endmacro %}
