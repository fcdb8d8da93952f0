{#-
  Locates every current point in its series' reference: a select of the current points' columns
  plus ref_le_at and ref_lt_at (reference values <= x and < x) and rr_at_le (the integrated
  reference quantile at rank ref_le_at; NULL when no reference value is <= x).
  `current_points`: a relation with series_id, x and `current_columns` (names, x and series_id
  included); `reference_points`: mm_reference_numeric's last row of each distinct value
  (value_rank = le_count), with series_id, value, le_count, lt_count, value_mean, centered_prefix_sum.
  rr_at_le is integrated_quantile(le_count) at that row: (pos - (value_rank - 1)) is exactly 1.
-#}
{% macro locate_in_reference(current_points, current_columns, reference_points) %}
  {{ return(adapter.dispatch('locate_in_reference', 'model_monitor')(current_points, current_columns, reference_points)) }}
{% endmacro %}

{#-
  Portable: one sorted stream per series of the reference points (first on ties) and the current
  points; running maxima give, at each current point, the last reference point <= x.
-#}
{% macro default__locate_in_reference(current_points, current_columns, reference_points) %}
  {%- set bigint = dbt.type_bigint() -%}
  select
    {%- for name, type in current_columns %}
    l.{{ name }},
    {%- endfor %}
    l.ref_le_at,
    case when l.ref_x_at = l.x then l.ref_lt_last else l.ref_le_at end as ref_lt_at,
    p.centered_prefix_sum + (p.value - p.value_mean) as rr_at_le
  from (
    select m.*,
      coalesce(max(m.ref_le) over (partition by m.series_id order by m.x, m.side rows between unbounded preceding and current row), 0) as ref_le_at,
      max(case when m.side = 0 then m.x end) over (partition by m.series_id order by m.x, m.side rows between unbounded preceding and current row) as ref_x_at,
      max(m.ref_lt) over (partition by m.series_id order by m.x, m.side rows between unbounded preceding and current row) as ref_lt_last
    from (
      select
        {%- for name, type in current_columns %}
        {% if name in ('series_id', 'x') %}r.{{ 'value' if name == 'x' else name }}{% else %}cast(null as {{ type }}){% endif %} as {{ name }},
        {%- endfor %}
        0 as side, r.le_count as ref_le, r.lt_count as ref_lt, cast(null as {{ dbt.type_int() }}) as current_point
      from {{ reference_points }} as r
      union all
      select
        {%- for name, type in current_columns %}
        c.{{ name }},
        {%- endfor %}
        1, cast(null as {{ bigint }}), cast(null as {{ bigint }}), 1
      from {{ current_points }} as c
    ) as m
  ) as l
  -- one bigint key (ranks stay below 2^32): on the pair, PostgreSQL may merge on series_id
  -- alone and filter le_count, comparing every point with every reference point of its series
  left join {{ reference_points }} as p
    on p.series_id * 4294967296 + p.le_count = l.series_id * 4294967296 + l.ref_le_at
  -- not `side = 1`: PostgreSQL estimates that equality at 1/200 of the rows, this test at nearly all
  where l.current_point is not null
{% endmacro %}

{#- DuckDB: an ASOF join finds the last reference point <= x without sorting both sides together. -#}
{% macro duckdb__locate_in_reference(current_points, current_columns, reference_points) %}
  select
    {%- for name, type in current_columns %}
    c.{{ name }},
    {%- endfor %}
    coalesce(p.le_count, 0) as ref_le_at,
    case when p.value = c.x then p.lt_count else coalesce(p.le_count, 0) end as ref_lt_at,
    p.centered_prefix_sum + (p.value - p.value_mean) as rr_at_le
  from {{ current_points }} as c
  asof left join {{ reference_points }} as p
    on c.series_id = p.series_id and c.x >= p.value
{% endmacro %}
