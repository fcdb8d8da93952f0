{#-
  The engine of the package's generic tests: returns the rows of a monitor table whose value fails,
  one per (monitor, window, version, slice, column or metric), so dbt's failure count and stored
  failures name what failed. Written as a `test` block because files under tests/generic may only
  hold tests; it is called as a macro, `model_monitor.test__expect_value_where(...)`.

  value_expression  SQL over the table's columns: the value judged (`observed_value`).
  fails_when        the comparison that fails a row: observed_value <fails_when> bound ('>=', '<' ...).
                    A NULL value (an undefined statistic) is never judged.
  filters (dict)    test: the calling test, for error messages; bound_name / bound: the threshold
                    argument and its value (a number); monitor; columns (column_name in ...);
                    include_slices (default false: slice_key is null); latest_only (each monitor's
                    latest current window); min_age_windows (windows at least N grains older than
                    it); where: more SQL predicates; report: more columns for each failing row;
                    keys: the columns naming a row; source: a SELECT to read instead of the model.
-#}
{% test _expect_value_where(model, value_expression, fails_when, filters) %}
  {%- set test = filters.test -%}
  {%- set where = "model_monitor: test `" ~ test ~ "`, argument `" -%}
  {%- set bound_name = filters.get('bound_name', 'threshold') -%}
  {%- set bound = filters.get('bound') -%}
  {%- if bound is not number or bound is sameas true or bound is sameas false -%}
    {{ exceptions.raise_compiler_error(where ~ bound_name ~ "`: expected a number; got " ~ (bound | string)) }}
  {%- endif -%}
  {%- if fails_when not in ['<', '<=', '>', '>='] -%}
    {{ exceptions.raise_compiler_error("model_monitor: _expect_value_where: fails_when must be one of <, <=, >, >=; got " ~ fails_when) }}
  {%- endif -%}
  {%- for flag in ['include_slices', 'latest_only'] -%}
    {%- set value = filters.get(flag, false) -%}
    {%- if value is not sameas true and value is not sameas false -%}
      {{ exceptions.raise_compiler_error(where ~ flag ~ "`: expected true or false; got " ~ (value | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- set min_age = filters.get('min_age_windows') -%}
  {%- if min_age is not none and (min_age is not number or min_age is sameas true or min_age is sameas false or min_age < 0) -%}
    {{ exceptions.raise_compiler_error(where ~ "min_age_windows`: expected a number >= 0; got " ~ (min_age | string)) }}
  {%- endif -%}
  {%- set monitor = filters.get('monitor') -%}
  {%- if monitor is not none and monitor is not string -%}
    {{ exceptions.raise_compiler_error(where ~ "monitor`: expected a monitor name; got " ~ (monitor | string)) }}
  {%- endif -%}
  {%- set columns = filters.get('columns') -%}
  {%- if columns is not none and (columns is string or columns is mapping or columns is not iterable or columns | length == 0 or columns | reject('string') | list | length > 0) -%}
    {{ exceptions.raise_compiler_error(where ~ "columns`: expected a non-empty list of column names; got " ~ (columns | string)) }}
  {%- endif -%}
  {#- A misspelt monitor or column would match no row and pass forever: check them against the config. -#}
  {%- if execute and (monitor is not none or columns is not none) -%}
    {%- set known = {} -%}
    {%- for m in model_monitor.get_monitors() -%}
      {%- do known.update({m.name: m.columns | map(attribute='name') | list}) -%}
    {%- endfor -%}
    {%- if monitor is not none and monitor not in known -%}
      {{ exceptions.raise_compiler_error(where ~ "monitor`: expected one of " ~ (known.keys() | sort | join(', ')) ~ "; got '" ~ monitor ~ "'") }}
    {%- endif -%}
    {%- set monitored = known[monitor] if monitor is not none else known.values() | sum(start=[]) -%}
    {%- for column in (columns or []) if column not in monitored -%}
      {{ exceptions.raise_compiler_error(where ~ "columns`: '" ~ column ~ "' is not a monitored column" ~ (" of monitor '" ~ monitor ~ "'" if monitor is not none else "") ~ "; expected some of " ~ (monitored | unique | sort | join(', '))) }}
    {%- endfor -%}
  {%- endif -%}
  {%- set keys = filters.get('keys', ['monitor_name', 'window_start', 'window_end', 'model_version', 'slice_key', 'slice_value']) -%}

  with source_rows as (
    {{ filters.get('source') or ('select * from ' ~ model) }}
  ),

  current_rows as (
    select * from source_rows
    where window_kind = 'current'
      {%- if monitor is not none %}
      and monitor_name = {{ model_monitor.string_literal(monitor) }}
      {%- endif %}
  ),

  -- each monitor's latest window: the newest window_start among its current rows
  latest_windows as (
    select monitor_name as latest_monitor_name, max(window_start) as latest_window_start
    from current_rows
    group by monitor_name
  ),

  judged_rows as (
    select
      {{ keys | join(', ') }},
      {%- for column in filters.get('report', []) %}
      {{ column }},
      {%- endfor %}
      {{ value_expression }} as observed_value
    from current_rows
    inner join latest_windows on latest_monitor_name = monitor_name
    where 1 = 1
      {%- if not filters.get('include_slices', false) %}
      and slice_key is null
      {%- endif %}
      {%- if columns is not none %}
      and column_name in ({% for column in columns %}{{ model_monitor.string_literal(column) }}{{ ', ' if not loop.last }}{% endfor %})
      {%- endif %}
      {%- if filters.get('latest_only', false) %}
      and window_start = latest_window_start
      {%- endif %}
      {%- if min_age is not none %}
      -- age in windows = (latest start - window start) / window length, compared without dividing
      and {{ dbt.datediff('window_start', 'latest_window_start', 'hour') }}
        >= {{ min_age }} * {{ dbt.datediff('window_start', 'window_end', 'hour') }}
      {%- endif %}
      {%- for predicate in filters.get('where', []) %}
      and ({{ predicate }})
      {%- endfor %}
  )

  select judged_rows.*, {{ bound }} as {{ bound_name }}
  from judged_rows
  where observed_value is not null
    and observed_value {{ fails_when }} {{ bound }}
{% endtest %}
