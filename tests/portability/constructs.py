"""The checker: which SQL constructs a statement uses, read from sqlglot's parse tree and tokens.

A construct is a function (named as the statement spells it), a type (named by sqlglot's type,
whatever the dialect calls it: `double precision`, `float64` and `double` are all `double`) or a
piece of syntax (`within group`, `collate`, `::`, a backslash inside a string literal ...).
tests/portability/dialects.py says which constructs each warehouse has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel
from sqlglot.tokens import TokenType

FUNCTION = "function"
TYPE = "type"
SYNTAX = "syntax"

# Tokens whose meaning, or very existence, differs between warehouses.
_TOKENS = {
    TokenType.DCOLON: "::",
    TokenType.MOD: "%",
    TokenType.CARET: "^",
    TokenType.DSTAR: "**",
    TokenType.ARROW: "->",
    TokenType.DARROW: "->>",
    TokenType.HASH_ARROW: "#>",
    TokenType.DHASH_ARROW: "#>>",
    TokenType.LR_ARROW: "<->",
    TokenType.DAT: "@@",
    TokenType.LT_AT: "<@",
    TokenType.AT_GT: "@>",
    TokenType.AMP: "&",
    TokenType.PIPE: "|",
}

# Nodes that are plain relational SQL: a select and its clauses, operators, literals, names.
# Everything else in a tree is reported as a construct, so new syntax has to be judged.
_PLAIN = (
    exp.Select,
    exp.From,
    exp.Join,
    exp.Where,
    exp.Group,
    exp.Having,
    exp.Order,
    exp.Ordered,
    exp.Limit,
    exp.Union,
    exp.With,
    exp.Subquery,
    exp.Table,
    exp.TableAlias,
    exp.Alias,
    exp.Column,
    exp.Identifier,
    exp.Star,
    exp.Null,
    exp.Boolean,
    exp.Paren,
    exp.Tuple,
    exp.In,
    exp.Between,
    exp.Is,
    exp.Not,
    exp.And,
    exp.Or,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Neg,
    exp.Like,
    exp.Case,
    exp.Exists,
    exp.Window,
    exp.WindowSpec,
    exp.Var,
    exp.DPipe,
)


@dataclass(frozen=True, order=True)
class Construct:
    """One kind of thing a statement uses: (`function`|`type`|`syntax`, name)."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Use:
    """A construct where it occurs: the construct and a short excerpt of the SQL around it."""

    construct: Construct
    excerpt: str


def parse(sql: str, dialect: str) -> exp.Expression:
    """Parse one statement strictly (sqlglot raises on anything it cannot read)."""
    tree = sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)
    if tree is None:
        raise sqlglot.errors.ParseError(f"no statement in: {sql[:80]!r}")
    return tree


def _excerpt(node: exp.Expression, sql: str, dialect: str) -> str:
    """The statement's own text from the node's name token on, else the node re-rendered."""
    start = next((n.meta["start"] for n in node.walk() if "start" in n.meta), None)
    text = sql[start : start + 200] if isinstance(start, int) else node.sql(dialect)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


_SPELLING: dict[tuple[type, str], str] = {}


def _function_name(node: exp.Func, sql: str, dialect: str) -> str:
    """The function's name as the statement spells it: where sqlglot kept the name token, that
    text; otherwise the dialect's own spelling of the function (Spark's `percentile`, which
    sqlglot calls `quantile`), read once per function class and dialect."""
    start, end = node.meta.get("start"), node.meta.get("end")
    if isinstance(start, int) and isinstance(end, int):
        return sql[start : end + 1].lower()
    key = (type(node), dialect)
    if key not in _SPELLING:
        match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", node.sql(dialect))
        _SPELLING[key] = match.group(1).lower() if match else node.sql_name().lower()
    return _SPELLING[key]


def _node_construct(node: exp.Expression, sql: str, dialect: str) -> Construct | None:
    if isinstance(node, exp.Anonymous):
        return Construct(FUNCTION, node.name.lower())
    if isinstance(node, exp.DataTypeParam):
        return None  # part of its type's spelling: timestamp(6)
    if isinstance(node, exp.DataType):
        if isinstance(node.parent, exp.DataType):
            return None  # a nested type is part of its parent's spelling
        if node.this == exp.DataType.Type.USERDEFINED:
            return Construct(TYPE, node.sql(dialect).lower())
        return Construct(TYPE, node.this.name.lower())
    if isinstance(node, exp.CTE):
        materialized = node.args.get("materialized")
        if materialized is None:
            return None
        return Construct(SYNTAX, "materialized cte" if materialized else "not materialized cte")
    if isinstance(node, exp.Distinct):
        return Construct(SYNTAX, "distinct on") if node.args.get("on") else None
    if isinstance(node, exp.Literal):
        if node.is_string and "\\" in node.this:
            return Construct(SYNTAX, "backslash in string literal")
        return None
    if isinstance(node, exp.WithinGroup):
        return Construct(SYNTAX, "within group")
    if isinstance(node, exp.Filter):
        return Construct(SYNTAX, "aggregate filter")
    if isinstance(node, exp.Collate):
        return Construct(SYNTAX, "collate")
    if isinstance(node, exp.Interval):
        return Construct(SYNTAX, "interval")
    if isinstance(node, _PLAIN):
        return None
    if isinstance(node, exp.Cast) and (
        not isinstance(node, exp.TryCast) or not re.search(r"\btry_cast\b", sql, re.IGNORECASE)
    ):
        return None  # the type it names is judged by itself (Spark reads `cast` as a try_cast)
    if isinstance(node, exp.If) and isinstance(node.parent, exp.Case):
        return None  # a `when ... then` branch of a case
    if isinstance(node, exp.Func):
        return Construct(FUNCTION, _function_name(node, sql, dialect))
    return Construct(SYNTAX, node.key)


def uses(sql: str, dialect: str, tree: exp.Expression | None = None) -> list[Use]:
    """Each construct the statement uses beyond plain relational SQL, once, with an excerpt of
    its first use; `tree` is the statement already parsed."""
    tree = tree if tree is not None else parse(sql, dialect)
    found: dict[Construct, Use] = {}
    for node in tree.walk():
        construct = _node_construct(node, sql, dialect)
        if construct is not None and construct not in found:
            found[construct] = Use(construct, _excerpt(node, sql, dialect))
    for token in sqlglot.tokenize(sql, read=dialect):
        if token.token_type in _TOKENS:
            construct = Construct(SYNTAX, _TOKENS[token.token_type])
            line = sql.splitlines()[token.line - 1].strip()
            found.setdefault(construct, Use(construct, line[:80]))
    return [found[c] for c in sorted(found)]


def constructs(sql: str, dialect: str) -> set[Construct]:
    """The distinct constructs of `uses`."""
    return {u.construct for u in uses(sql, dialect)}


_EXPLICIT_NULLS = re.compile(r"\s*(asc|desc)?\s*nulls\s+(first|last)\b", re.IGNORECASE)


def _writes_nulls(ordered: exp.Ordered, sql: str) -> bool:
    """Whether the statement itself says NULLS FIRST/LAST after this ORDER BY item."""
    ends = [n.meta["end"] for n in ordered.this.walk() if "end" in n.meta]
    return bool(ends) and bool(_EXPLICIT_NULLS.match(sql, max(ends) + 1))


def _target_null_order(tree: exp.Expression, sql: str, target: str) -> None:
    """Give every ORDER BY item that does not say NULLS FIRST/LAST the target's default NULL
    placement, so that sqlglot writes none.

    sqlglot keeps the source engine's NULL placement by writing NULLS FIRST/LAST, which BigQuery
    does not accept in most window functions. Where a model does not say, it orders by values
    that cannot be NULL (finite values, counts, ranks) and the placement means nothing; where
    it says, the clause stays and is checked."""
    ordering = Dialect.get_or_raise(target).NULL_ORDERING
    for ordered in tree.find_all(exp.Ordered):
        if _writes_nulls(ordered, sql):
            continue
        desc = bool(ordered.args.get("desc"))
        small_first = ordering == "nulls_are_small" and not desc
        large_first = ordering == "nulls_are_large" and desc
        ordered.set("nulls_first", small_first or large_first)


# The placeholder types of the shimless project and the type each stands for.
PLACEHOLDER_TYPES = {
    "mm_double": exp.DataType.Type.DOUBLE,
    "mm_string": exp.DataType.Type.VARCHAR,
    "mm_timestamp": exp.DataType.Type.TIMESTAMP,
    "mm_bigint": exp.DataType.Type.BIGINT,
    "mm_int": exp.DataType.Type.INT,
    "mm_float": exp.DataType.Type.FLOAT,
}


def _concrete_types(tree: exp.Expression) -> None:
    """Replace the shimless placeholder types by the types they stand for."""
    for node in list(tree.find_all(exp.DataType)):
        kind = PLACEHOLDER_TYPES.get(node.sql("duckdb").lower())
        if kind is not None:
            node.replace(exp.DataType.build(kind))


def transpile(
    sql: str, source: str, target: str, tree: exp.Expression | None = None, copy: bool = True
) -> str:
    """The statement written for `target`, raising where sqlglot cannot express a construct
    there (unsupported_level=RAISE), then parsed back strictly in `target`. `tree` is the
    statement already parsed; with `copy=False` it is adapted in place (for a tree kept only for
    transpiling: each call sets it up for its own target)."""
    tree = tree if tree is not None else parse(sql, source)
    tree = tree.copy() if copy else tree
    _target_null_order(tree, sql, target)
    _concrete_types(tree)
    out = tree.sql(dialect=target, unsupported_level=ErrorLevel.RAISE)
    parse(out, target)
    return out
