{#-
  Bounds on the exact KS and Wasserstein-1 contributions of one grid cell, from the cell's state
  on both sides (see docs/design.md, "Binned drift"). Inside the cell (lo, hi) each CDF is known
  to be flat below its interior min (at its value F(a)), flat from its interior max on (at F(b-)),
  and between the two in between; the four interior min/max split the cell into five pieces,
  the outer two exact, the inner three bounded by those envelopes. Expects the columns of
  mm_binned_drift's cell_frame: lo, hi, r1, r2, c1, c2 (interior min/max, an empty side pinned at
  lo), ref_a, ref_bm, ref_b, cur_a, cur_bm, cur_b (CDFs at a, b- and b), p1..p4 (the sorted
  breakpoints), and the interior counts and sums. Returns SQL for `part`:
    ks_low / ks_high: the cell's lower and upper bound on sup |F_ref - F_cur|;
    w_low / w_high: on the integral of |F_ref - F_cur| over the cell.
-#}
{% macro binned_cell_bounds(part) -%}
  {%- set pieces = [('p1', 'p2'), ('p2', 'p3'), ('p3', 'p4')] -%}
  {%- set ends_exact = ['(p1 - lo) * abs(ref_a - cur_a)', '(hi - p4) * abs(ref_bm - cur_bm)'] -%}
  {%- if part == 'ks_low' -%}
    greatest(abs(ref_b - cur_b), abs(ref_bm - cur_bm),
      case when p1 > lo then abs(ref_a - cur_a) else 0 end
      {%- for u, v in pieces %}, case when {{ v }} > {{ u }} then {{ model_monitor._piece_gap(u, v, 'low') }} else 0 end{% endfor %})
  {%- elif part == 'ks_high' -%}
    greatest(abs(ref_b - cur_b), abs(ref_bm - cur_bm),
      case when p1 > lo then abs(ref_a - cur_a) else 0 end
      {%- for u, v in pieces %}, case when {{ v }} > {{ u }} then {{ model_monitor._piece_gap(u, v, 'high') }} else 0 end{% endfor %})
  {%- elif part == 'w_low' -%}
    greatest(
      {{ ends_exact | join(' + ') }}{% for u, v in pieces %} + ({{ v }} - {{ u }}) * {{ model_monitor._piece_gap(u, v, 'low') }}{% endfor %},
      -- the signed integral is exact from the interior sums: integral over (lo, hi) of F = F(a) (hi - lo) + sum(hi - x) / n
      abs((ref_a - cur_a) * (hi - lo) + (ref_inside * hi - ref_inside_sum) / ref_n - (cur_inside * hi - cur_inside_sum) / cur_n))
  {%- elif part == 'w_high' -%}
    least(
      {{ ends_exact | join(' + ') }}{% for u, v in pieces %} + ({{ v }} - {{ u }}) * {{ model_monitor._piece_gap(u, v, 'high') }}{% endfor %},
      -- |F_ref - F_cur| <= (F_ref - F_ref(a)) + |F_ref(a) - F_cur(a)| + (F_cur - F_cur(a)), integrated
      -- from the sums; and the same from F(b-) down: far tighter in a wide tail cell
      (ref_inside * hi - ref_inside_sum) / ref_n + (cur_inside * hi - cur_inside_sum) / cur_n + abs(ref_a - cur_a) * (hi - lo),
      (ref_inside_sum - ref_inside * lo) / ref_n + (cur_inside_sum - cur_inside * lo) / cur_n + abs(ref_bm - cur_bm) * (hi - lo))
  {%- else -%}
    {{ exceptions.raise_compiler_error("binned_cell_bounds: part must be ks_low, ks_high, w_low or w_high; got " ~ part) }}
  {%- endif -%}
{%- endmacro %}
