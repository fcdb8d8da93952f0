{#-
  Which current windows an outcome model (performance, calibration, ...) recomputes, per monitor:
  {cutoff, extra_windows, labels_as_of}. cutoff none = every window (a full build, a monitor not
  stored yet, or one stored against another reference_version). Otherwise, from the previous run's
  mm_outcome_state (last prediction window L, newest label timestamp T): windows from
  L - lookback_windows, plus older windows down to L - label_lookback_windows holding a prediction
  whose label arrived after T; without a label timestamp, every window down to
  L - label_lookback_windows. Also every older window whose prediction count changed since the
  last run (changed_windows: a late day, late or deleted rows). Every outcome table gets the
  same plan.
  labels_as_of is the labels' newest timestamp now, stored with the rows. Also, for a model that
  merges late labels into stored counts (monitor_score_cells): previous_labels_as_of (the stored
  T, or none) and label_windows, the extra windows recomputed only because a label arrived after
  T (not changed, older than the cutoff).
-#}
{% macro outcome_window_plans(monitors, versions) %}
  {%- set plans = {} -%}
  {%- set changed = model_monitor.changed_windows() -%}
  {%- if not execute -%}{{ return(plans) }}{%- endif -%}
  {%- set q = model_monitor.quote_name -%}
  {%- set stored_versions = {} -%}
  {%- set state = {} -%}
  {%- if is_incremental() -%}
    {%- for row in run_query("select distinct monitor_name, reference_version from " ~ this ~ " where window_kind = 'current'").rows -%}
      {%- do stored_versions.update({row[0]: stored_versions.get(row[0], []) + [row[1]]}) -%}
    {%- endfor -%}
    {%- set state_relation = model_monitor._outcome_state_relation() -%}
    {%- if state_relation is not none -%}
      {%- for row in run_query("select monitor_name, last_window_start, labels_as_of from " ~ state_relation).rows -%}
        {%- do state.update({row[0]: row}) -%}
      {%- endfor -%}
    {%- endif -%}
  {%- endif -%}
  {%- set grain_hours = {'hour': 1, 'day': 24, 'week': 168} -%}
  {%- for monitor in monitors -%}
    {%- set labels = monitor.labels -%}
    {%- set labels_as_of = none -%}
    {%- if labels is not none and labels.timestamp_column is not none -%}
      {%- set newest = run_query("select max(" ~ q(labels.timestamp_column) ~ ") from " ~ labels.relation).rows[0][0] -%}
      {%- set labels_as_of = model_monitor._timestamp_text(newest) -%}
    {%- endif -%}
    {%- set plan = {'cutoff': none, 'extra_windows': [], 'labels_as_of': labels_as_of,
                    'previous_labels_as_of': none, 'label_windows': []} -%}
    {%- set previous = state.get(monitor.name) -%}
    {%- if stored_versions.get(monitor.name) == [versions.get(monitor.name)] and previous is not none and previous[1] is not none -%}
      {%- set last_start = model_monitor._as_datetime(previous[1]) -%}
      {%- set hours = grain_hours[monitor.grain] -%}
      {%- set cutoff = last_start - modules.datetime.timedelta(hours=hours * monitor.lookback_windows) -%}
      {%- set floor = last_start - modules.datetime.timedelta(hours=hours * monitor.label_lookback_windows) -%}
      {%- if labels is not none and labels.timestamp_column is none and floor < cutoff -%}
        {%- set cutoff = floor -%}
      {%- elif labels is not none and floor < cutoff -%}
        {%- set stored_as_of = model_monitor._timestamp_text(previous[2]) -%}
        {%- set late -%}
          select distinct {{ model_monitor.prediction_window_start(monitor, 'p') }}
          from {{ monitor.predictions }} as p
          inner join {{ labels.relation }} as l
            on cast(p.{{ q(monitor.id_column) }} as {{ dbt.type_string() }}) = cast(l.{{ q(labels.id_column) }} as {{ dbt.type_string() }})
          where p.{{ q(monitor.timestamp_column) }} >= {{ model_monitor.timestamp_literal(floor.strftime('%Y-%m-%d %H:%M:%S')) }}
            and p.{{ q(monitor.timestamp_column) }} < {{ model_monitor.timestamp_literal(cutoff.strftime('%Y-%m-%d %H:%M:%S')) }}
            {%- if stored_as_of is not none %}
            and l.{{ q(labels.timestamp_column) }} > {{ model_monitor.timestamp_literal(stored_as_of) }}
            {%- endif %}
        {%- endset -%}
        {%- for row in run_query(late).rows -%}
          {%- do plan.extra_windows.append(model_monitor._timestamp_text(row[0])) -%}
        {%- endfor -%}
        {%- do plan.update({'previous_labels_as_of': stored_as_of}) -%}
      {%- endif -%}
      {%- set cutoff = cutoff.strftime('%Y-%m-%d %H:%M:%S') -%}
      {%- for window_start in changed.get(monitor.name, []) if window_start < cutoff and window_start not in plan.extra_windows -%}
        {%- do plan.extra_windows.append(window_start) -%}
      {%- endfor -%}
      {%- for window_start in plan.extra_windows if window_start[:19] not in changed.get(monitor.name, []) -%}
        {%- do plan.label_windows.append(window_start) -%}
      {%- endfor -%}
      {%- do plan.update({'cutoff': cutoff}) -%}
    {%- endif -%}
    {%- do plans.update({monitor.name: plan}) -%}
  {%- endfor -%}
  {{ return(plans) }}
{% endmacro %}

{#- mm_outcome_state's relation when it exists (looked up in the graph: a ref would be a cycle). -#}
{% macro _outcome_state_relation() %}
  {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == 'model_monitor' and node.name == 'mm_outcome_state' -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
  {%- endfor -%}
  {{ return(none) }}
{% endmacro %}

{#- 'YYYY-MM-DD HH:MM:SS.ffffff' for a datetime/date/ISO string from a query, none for NULL. -#}
{% macro _timestamp_text(value) %}
  {%- if value is none -%}{{ return(none) }}{%- endif -%}
  {{ return(model_monitor._as_datetime(value).strftime('%Y-%m-%d %H:%M:%S.%f')) }}
{% endmacro %}

{% macro _as_datetime(value) %}
  {%- if value is string -%}
    {{ return(modules.datetime.datetime.fromisoformat(value)) }}
  {%- elif value.hour is not defined -%}
    {{ return(modules.datetime.datetime(value.year, value.month, value.day)) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}
