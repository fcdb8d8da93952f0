{#-
  The least ('low') or largest ('high') |F_ref - F_cur| on the piece [u, v): each CDF is flat at
  F(a) there when the piece lies below its interior min, flat at F(b-) when above its interior
  max, and anywhere between the two otherwise (the piece's midpoint tells which).
-#}
{% macro _piece_gap(u, v, side) -%}
  {%- set t = '((' ~ u ~ ' + ' ~ v ~ ') / 2)' -%}
  {%- set r_lo = 'case when ' ~ t ~ ' > r2 then ref_bm else ref_a end' -%}
  {%- set r_hi = 'case when ' ~ t ~ ' < r1 then ref_a else ref_bm end' -%}
  {%- set c_lo = 'case when ' ~ t ~ ' > c2 then cur_bm else cur_a end' -%}
  {%- set c_hi = 'case when ' ~ t ~ ' < c1 then cur_a else cur_bm end' -%}
  {%- if side == 'high' -%}
    greatest(abs(({{ r_hi }}) - ({{ c_lo }})), abs(({{ c_hi }}) - ({{ r_lo }})))
  {%- else -%}
    greatest(0, ({{ r_lo }}) - ({{ c_hi }}), ({{ c_lo }}) - ({{ r_hi }}))
  {%- endif -%}
{%- endmacro %}
