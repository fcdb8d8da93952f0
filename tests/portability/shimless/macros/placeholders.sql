{#-
  Test fixture, not part of the package. Found first by dispatch in the shimless project, these
  render every engine shim (the package's dispatched cross_db macros and dbt's cross-database
  macros) as a neutral placeholder: functions mm_<macro>(...), types mm_<type>. The compiled SQL
  then holds only what the models and the non-dispatched macros write themselves, which must be
  portable as written. tests/portability/project.py defines each placeholder in DuckDB too
  (SHIMLESS_DUCKDB), so the queries models run while compiling still execute. One file on
  purpose: the list is one contract and reads best in one place.
-#}

{#- model_monitor's shims -#}
{% macro default__type_double() %}mm_double{% endmacro %}
{% macro default__is_finite(expression) %}mm_is_finite({{ expression }}){% endmacro %}
{% macro default__string_literal(value) %}mm_string_literal('{{ value | string | replace("'", "''") }}'){% endmacro %}
{% macro default__timestamp_literal(text) %}mm_timestamp_literal('{{ text }}'){% endmacro %}
{% macro default__text_order(expression) %}mm_text_order({{ expression }}){% endmacro %}
{% macro default__percentile(expression, p) %}mm_percentile({{ expression }}, {{ p }}){% endmacro %}
{% macro default__median(expression) %}mm_median({{ expression }}){% endmacro %}
{% macro default__hours_between(start, end) %}mm_hours_between({{ start }}, {{ end }}){% endmacro %}
{% macro default__number_text(expression) %}mm_number_text({{ expression }}){% endmacro %}
{% macro default__window_start(grain, timestamp) %}mm_window_start('{{ grain }}', {{ timestamp }}){% endmacro %}
{% macro default__numbers(digits) %}select n from mm_numbers({{ digits }}){% endmacro %}
{% macro default__materialized_cte() %}{% endmacro %}
{% macro default__subquery_fence() %}{% endmacro %}
{% macro default__approx_count_distinct(expression) %}mm_approx_count_distinct({{ expression }}){% endmacro %}
{% macro default__key_fingerprint(expression) %}{{ return('mm_key_fingerprint(' ~ expression ~ ')') }}{% endmacro %}

{#- dbt's cross-database macros (each adapter ships its own) -#}
{% macro default__type_string() %}mm_string{% endmacro %}
{% macro default__type_timestamp() %}mm_timestamp{% endmacro %}
{% macro default__type_bigint() %}mm_bigint{% endmacro %}
{% macro default__type_int() %}mm_int{% endmacro %}
{% macro default__type_float() %}mm_float{% endmacro %}
{% macro default__date_trunc(datepart, date) %}mm_date_trunc('{{ datepart }}', {{ date }}){% endmacro %}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}mm_dateadd('{{ datepart }}', {{ interval }}, {{ from_date_or_timestamp }}){% endmacro %}
{% macro default__datediff(first_date, second_date, datepart) %}mm_datediff({{ first_date }}, {{ second_date }}, '{{ datepart }}'){% endmacro %}
{% macro default__concat(fields) %}mm_concat({{ fields | join(', ') }}){% endmacro %}
{% macro default__hash(field) %}mm_hash({{ field }}){% endmacro %}
{% macro default__length(expression) %}mm_length({{ expression }}){% endmacro %}
