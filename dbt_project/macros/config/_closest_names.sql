{#-
  The candidates a misspelt name probably meant: within max(2, length / 4) edits (Levenshtein:
  insert, delete or replace one character; compared lower-case), those at the smallest distance,
  at most three.
  Pure Jinja, for the "did you mean" of every column key (`_require_column`).
-#}
{% macro _closest_names(name, candidates) %}
  {%- set target = name | string | lower -%}
  {%- set most = [2, (target | length) // 4] | max -%}
  {%- set scored = [] -%}
  {%- for candidate in candidates -%}
    {%- set other = candidate | string | lower -%}
    {#- state.row: distances from target's first i characters to each prefix of other -#}
    {%- set state = {'row': range((other | length) + 1) | list} -%}
    {%- for a in target -%}
      {%- set row = [loop.index] -%}
      {%- for b in other -%}
        {%- set above = state.row[loop.index] -%}
        {%- set diagonal = state.row[loop.index0] -%}
        {%- do row.append([above + 1, row[loop.index0] + 1, diagonal + (0 if a == b else 1)] | min) -%}
      {%- endfor -%}
      {%- do state.update({'row': row}) -%}
    {%- endfor -%}
    {%- set distance = state.row[-1] -%}
    {%- if distance <= most -%}
      {%- do scored.append([distance, candidate | string]) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set names = [] -%}
  {%- set ordered = scored | sort -%}
  {%- for pair in ordered if pair[0] == ordered[0][0] -%}
    {%- if loop.index <= 3 -%}{%- do names.append(pair[1]) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(names) }}
{% endmacro %}
