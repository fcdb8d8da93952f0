{#-
  One row per prediction (side 'current') or reference row (side 'reference') of a monitor, in a
  fixed shape every model reads: monitor_name, row_id, window_kind, window_start, window_end,
  model_version,
  v_<i> (monitored column i: double or string), s_<j> (slice column j as string).
  Also observed_at (the prediction timestamp) and label_arrived_at (the counted label's timestamp).
  Labels come from mm_latest_labels (one per prediction id, ranked once per run), joined only when
  the monitor's columns include its label (see monitor_with_columns).
  `cutoff` (a 'YYYY-MM-DD HH:MM:SS' window start, or none) limits current rows to recent windows;
  `extra_windows` (window starts) adds older windows to them.
-#}
{% macro monitor_rows(monitor, side, cutoff=none, extra_windows=none) %}
  {%- set q = model_monitor.quote_name -%}
  {%- set lit = model_monitor.string_literal -%}
  {%- set ts = 'p.' ~ q(monitor.timestamp_column) -%}
  {%- set from_relation = side == 'current' or monitor.reference.relation is none -%}
  {%- set joins_labels = from_relation and monitor.labels is not none and monitor.columns | selectattr('role', 'equalto', 'label') | list -%}
  select
    {{ lit(monitor.name) }} as monitor_name,
  {%- if from_relation %}
    cast(p.{{ q(monitor.id_column) }} as {{ dbt.type_string() }}) as row_id,
  {%- else %}
    cast(null as {{ dbt.type_string() }}) as row_id,
  {%- endif %}
  {%- if side == 'current' %}
    'current' as window_kind,
    {{ model_monitor.window_start(monitor.grain, ts) }} as window_start,
    {{ dbt.dateadd(monitor.grain, 1, model_monitor.window_start(monitor.grain, ts)) }} as window_end,
    {%- if monitor.model_version_column is not none %}
    cast(p.{{ q(monitor.model_version_column) }} as {{ dbt.type_string() }}) as model_version,
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as model_version,
    {%- endif %}
  {%- elif monitor.reference.between is not none %}
    'reference' as window_kind,
    {{ model_monitor.timestamp_literal(monitor.reference.between[0]) }} as window_start,
    {{ model_monitor.timestamp_literal(monitor.reference.between[1]) }} as window_end,
    cast(null as {{ dbt.type_string() }}) as model_version,
  {%- else %}
    'reference' as window_kind,
    cast(null as {{ dbt.type_timestamp() }}) as window_start,
    cast(null as {{ dbt.type_timestamp() }}) as window_end,
    cast(null as {{ dbt.type_string() }}) as model_version,
  {%- endif %}
  {%- for column in monitor.columns %}
    {%- set type = model_monitor.type_double() if column.kind == 'numerical' else dbt.type_string() -%}
    {%- if column.role == 'label' and from_relation %}
    labels.{{ 'label_number' if column.kind == 'numerical' else 'label_text' }} as v_{{ column.index }},
    {%- elif column.role == 'label' and monitor.reference.label_column is not none %}
    cast(p.{{ q(monitor.reference.label_column) }} as {{ type }}) as v_{{ column.index }},
    {%- elif not from_relation and column.name not in monitor.reference.present %}
    cast(null as {{ type }}) as v_{{ column.index }},
    {%- else %}
    cast(p.{{ q(column.name) }} as {{ type }}) as v_{{ column.index }},
    {%- endif %}
  {%- endfor %}
  {%- for slice in monitor.slices %}
    cast(p.{{ q(slice) }} as {{ dbt.type_string() }}) as s_{{ loop.index }},
  {%- endfor %}
  {%- if from_relation %}
    {{ ts }} as observed_at,
  {%- else %}
    cast(null as {{ dbt.type_timestamp() }}) as observed_at,
  {%- endif %}
  {%- if joins_labels and monitor.labels.timestamp_column is not none %}
    labels.label_arrived_at,
  {%- else %}
    cast(null as {{ dbt.type_timestamp() }}) as label_arrived_at,
  {%- endif %}
    1 as row_weight
  {%- if from_relation %}
  from {{ monitor.predictions }} as p
    {%- if joins_labels %}
  left join (
    select label_id, label_text, label_number, label_arrived_at
    from {{ ref('mm_latest_labels') }}
    where monitor_name = {{ lit(monitor.name) }}
  ) as labels
    on cast(p.{{ q(monitor.id_column) }} as {{ dbt.type_string() }}) = labels.label_id
    {%- endif %}
  where {{ ts }} is not null
    {%- if side == 'reference' %}
    and {{ ts }} >= {{ model_monitor.timestamp_literal(monitor.reference.between[0]) }}
    and {{ ts }} < {{ model_monitor.timestamp_literal(monitor.reference.between[1]) }}
    {%- else %}
    {{ model_monitor.recomputed_rows_filter(monitor, ts, cutoff, extra_windows) }}
    {%- endif %}
  {%- else %}
  from {{ monitor.reference.relation }} as p
  {%- endif %}
{% endmacro %}

{#-
  The monitor with only the columns of one kind ('numerical' or 'categorical'), indexes kept:
  models that read one kind select (and join) nothing else from the raw rows.
-#}
{% macro monitor_with_columns(monitor, kind) %}
  {%- set narrowed = {} -%}
  {%- do narrowed.update(monitor) -%}
  {%- do narrowed.update({'columns': monitor.columns | selectattr('kind', 'equalto', kind) | list}) -%}
  {{ return(narrowed) }}
{% endmacro %}
