"""The planning of a sweep (``sweep.run``/``sweep.plan``): a rule's due rows window by
window, their ``child_of`` rows, and the batches that delete or restrict them, holds
turning deletion into restriction (found once in ``_holds``).  The batches run on the
writer (``_writer``); the public calls, the plan and the report are ``sweep``'s.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    and_,
    column,
    func,
    literal,
    or_,
    select,
    table,
    tuple_,
    type_coerce,
)
from sqlalchemy.sql.expression import ColumnElement, TableClause

from treu.datamap._erase_batches import MASK, Batch, batches, column_kind, text_length
from treu.datamap._fetch import BATCH, Fetcher
from treu.datamap._graph import (
    Edge,
    Key,
    Row,
    deletion_order,
    fetch_columns,
    key_columns,
    ordered,
    resolve,
    walk,
)
from treu.datamap.model import DataMap, Strategy
from treu.datamap.plan import Plan, PlanStep
from treu.errors import ErasureBlocked, RetentionError
from treu.policy.model import Policy
from treu.retention import _log as log
from treu.retention._bulk import BulkFetcher, tuples
from treu.retention._dates import Cutoff
from treu.retention._holds import OPEN_REQUEST, claimed_rows, coerce_key, pinned_rows
from treu.retention._overlap import earlier_rules, first_reach
from treu.retention.rules import Rule, rules, selected
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import RetentionEvent

__all__ = ["OPEN_REQUEST", "Sweep"]


@dataclass
class Sweep:
    """One sweep's fixed inputs: the rules, the reference graph, the held rows."""

    app: Engine
    store: Engine
    datamap: DataMap
    policy: Policy | None
    now: datetime
    batch_size: int
    only: Collection[str] | None = None
    run_id: str | None = None
    """The run resumed, whose own pending batches are not another run's claim."""
    rules: list[Rule] = field(init=False)
    edges: list[Edge] = field(init=False)
    keys: dict[str, tuple[str, ...]] = field(init=False)
    pinned: dict[str, dict[Key, str]] = field(init=False)
    warnings: list[str] = field(init=False, default_factory=list)
    last_due: dict[str, object] = field(init=False, default_factory=dict)
    """Per rule of a one-column key, the highest key among its due rows (see ``_last_due``)."""
    earlier: dict[str, list[Rule]] = field(init=False)
    claimed: dict[str, set[Key]] = field(init=False)
    spans: dict[str, list[object]] | None = None
    """Set (``{}``) by a plan: per later rule of a table, the starts of the rows its windows
    kept, for ``span`` - the rows an earlier rule of the table takes are not its."""
    """Rows recorded in another unfinished run's pending batches (keys as the log keeps
    them): that run deletes and counts them when it is resumed, so this one leaves them
    out - else a row would be counted by both."""
    """Per rule, the rules of its table before it, which its rows are left to (``_overlap``)."""

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise RetentionError("the batch size must be at least 1")
        self.rules = rules(self.datamap, self.policy)
        self.earlier = earlier_rules(self.rules)
        self.claimed = claimed_rows(self)
        if self.only is not None:  # rule names, or table names for all their rules
            self.rules = selected(self.rules, self.only)
        self.edges, _ = resolve(self.datamap)
        self.keys = {n: key_columns(n, t, self.edges) for n, t in self.datamap.tables.items()}
        self.pinned = pinned_rows(self)
        for rule in self.rules:
            erasure = self.datamap.tables[rule.table].erasure
            if erasure and erasure.strategy == "keep" and rule.hold is None:
                self.warnings.append(
                    f"{rule.table}: the hold '{erasure.hold}' is neither a preset nor an "
                    "activity with a period, so its rows stay restricted until the map changes"
                )
        if any(self.pinned.values()):
            for name in self.pinned:
                if self.datamap.tables[name].restriction_column is None:
                    self.warnings.append(
                        f"{name}: held rows cannot be marked (no restriction_column); "
                        "they stay unchanged and must be kept from normal use by hand (Art. 18)"
                    )

    # -- windows ---------------------------------------------------------------------------

    def window(
        self, rule: Rule, cursor: Sequence[object] | None, busy: Sequence[Batch] = ()
    ) -> tuple[list[Batch], list[object], int] | None:
        """The next window of due rows after ``cursor``: its batches, its last key and
        how many rows of the rule's table it holds; None when no due row is left.

        ``busy`` are the batches of the window before, still running on the writer while
        this one is planned: this window leaves out every row they name, as it would
        had they finished (see ``_batches``)."""
        with self.app.connect() as conn:
            fetch = BulkFetcher(conn, self.datamap)
            if rule.event is None:
                rows, expired, last = self._column_window(conn, rule, cursor)
            else:
                rows, expired, last = self._event_window(conn, rule, cursor)
            if last is None:
                conn.rollback()
                return None
            if rows and rule.name in self.earlier:  # a table's later rule
                rows = first_reach(self, conn, rule, rows)
                if self.spans is not None and rows:
                    self.spans.setdefault(rule.name, []).extend(self._starts(fetch, rule, rows))
            planned = self._batches(fetch, rule, rows, expired, busy) if rows else []
            conn.rollback()
        return planned, last, len(rows)

    def _column_window(
        self, conn: Connection, rule: Rule, cursor: Sequence[object] | None
    ) -> tuple[list[Row], set[Key] | None, list[object] | None]:
        name, key = rule.table, self.keys[rule.table]
        wanted = fetch_columns(name, key, self.edges)
        t = self._table(name, [*wanted, str(rule.start_column)])
        cut = rule.cutoff(self.now)
        conditions = [self._before(t, rule, cut), *self._left(t, rule.table)]
        if cursor is not None:
            conditions.append(_after(t, key, cursor))
        if len(key) == 1:
            last = self._last_due(conn, t, rule, conditions[:-1] if cursor is not None
                                  else conditions)  # fmt: skip
            if last is None:
                return [], None, None
            conditions.append(t.c[key[0]] <= literal(last))
        hold = rule.hold_cutoff(self.now)
        extra = [self._before(t, rule, hold).label("_expired")] if hold is not None else []
        query = (
            select(*(t.c[c] for c in wanted), *extra)
            .where(and_(*conditions))
            .order_by(*(t.c[c] for c in key))
            .limit(self.batch_size)
        )
        result = tuples(conn.execute(query))
        if not result:
            return [], None, None
        if len(wanted) == 1:  # the key alone, the common case
            only = wanted[0]
            rows = [{only: r[0]} for r in result]
        else:  # zip stops at the last wanted column, before _expired (slicing a Row is slow)
            rows = [dict(zip(wanted, r, strict=False)) for r in result]
        expired = (
            {tuple(row[c] for c in key) for row, r in zip(rows, result, strict=True) if r[-1]}
            if hold is not None
            else None
        )
        return rows, expired, log.plain_key(tuple(rows[-1][c] for c in key))

    def _last_due(
        self, conn: Connection, t: TableClause, rule: Rule, due: list[ColumnElement[bool]]
    ) -> object:
        """The highest key among the rule's due rows, found once per sweep (on the start
        column's index, where there is one).  The windows walk the primary key up to it:
        without the bound, the last window's scan would read every newer row to the end
        of the table to learn that none of them is due (9 M rows of 10 M in
        bench/retention.py).  Rows that become due later wait for the next sweep."""
        if rule.name not in self.last_due:
            key = t.c[self.keys[rule.table][0]]
            # max(coalesce(k, k)), not max(k): for max(k) PostgreSQL and SQLite walk the
            # primary key down from its top, through every row newer than the cutoff
            found = conn.execute(select(func.max(func.coalesce(key, key))).where(*due)).scalar()
            self.last_due[rule.name] = found
        return self.last_due[rule.name]

    def _event_window(
        self, conn: Connection, rule: Rule, cursor: Sequence[object] | None
    ) -> tuple[list[Row], set[Key] | None, list[object] | None]:
        cut = rule.cutoff(self.now)
        hold = rule.hold_cutoff(self.now)
        query = select(RetentionEvent.row_key, RetentionEvent.at).where(
            RetentionEvent.event == rule.event,
            RetentionEvent.table_name == rule.event_table,
            RetentionEvent.at < cut.before,
        )
        if cursor is not None:
            query = query.where(RetentionEvent.row_key > str(cursor[0]))
        query = query.order_by(RetentionEvent.row_key).limit(self.batch_size)
        with session_scope(make_sessionmaker(self.store)) as session:
            events = [(k, at) for k, at in session.execute(query)]
        if not events:
            return [], None, None
        name, key = rule.table, self.keys[rule.table]
        wanted = fetch_columns(name, key, self.edges)
        column_type = self.datamap.tables[name].columns[str(rule.event_key)].type
        values = {coerce_key(k, column_type): at for k, at in events}
        values.pop(None, None)
        t = self._table(name, [*wanted, str(rule.event_key)])
        rows: list[Row] = []
        expired: set[Key] = set()
        match = list(values)
        for start in range(0, len(match), BATCH):
            chunk = match[start : start + BATCH]
            query_rows = select(*(t.c[c] for c in wanted), t.c[str(rule.event_key)]).where(
                t.c[str(rule.event_key)].in_(chunk), *self._left(t, name)
            )
            for r in conn.execute(query_rows):
                row = dict(zip(wanted, r[: len(wanted)], strict=True))
                rows.append(row)
                at = values.get(r[-1])
                if hold is not None and at is not None and at < hold.before:
                    expired.add(tuple(row[c] for c in key))
        return rows, expired if hold is not None else None, [events[-1][0]]

    def _before(self, t: TableClause, rule: Rule, cut: Cutoff) -> ColumnElement[bool]:
        name = str(rule.start_column)
        kind = column_kind(self.datamap.tables[rule.table].columns[name].type)
        if kind == "date":
            return type_coerce(t.c[name], Date()) < cut.before_date
        if kind == "timetz":
            return type_coerce(t.c[name], DateTime(timezone=True)) < cut.before
        naive = cut.before.astimezone(UTC).replace(tzinfo=None)
        return type_coerce(t.c[name], DateTime()) < naive

    def _left(self, t: TableClause, name: str) -> list[ColumnElement[bool]]:
        """For nullify and mask tables: only rows that still have something to clear, so
        a row is done once and not counted again by later sweeps."""
        erasure = self.datamap.tables[name].erasure
        if erasure is None or erasure.strategy not in ("nullify", "mask"):
            return []
        table_ = self.datamap.tables[name]
        left: list[ColumnElement[bool]] = []
        for c in erasure.columns:
            col = t.c[c] if c in t.c else column(c, _selectable=t)
            type_ = table_.columns[c].type if c in table_.columns else ""
            if erasure.strategy == "mask" and column_kind(type_) == "text":
                length = text_length(type_)
                left.append(and_(col.is_not(None), col != (MASK[:length] if length else MASK)))
            else:
                left.append(col.is_not(None))
        return [or_(*left)] if left else []

    def _table(self, name: str, columns: Sequence[str]) -> TableClause:
        erasure = self.datamap.tables[name].erasure
        extra = list(erasure.columns) if erasure else []
        return table(
            name,
            *(column(c) for c in dict.fromkeys([*columns, *extra])),
            schema=self.datamap.database.schema_name,
        )

    def _batches(
        self,
        fetch: Fetcher,
        rule: Rule,
        rows: list[Row],
        expired: set[Key] | None,
        busy: Sequence[Batch] = (),
    ) -> list[Batch]:
        """The window's rows with their child_of rows, as numbered batches; a keep table's
        rows past their hold are deleted, the others restricted under it.

        Rows the ``busy`` batches name are left out.  Planned one after the other, the
        window before would have deleted them (or restricted them: counted once, then),
        and the rows reached only through them are theirs too - a row's child_of rows are
        found with it.  What else a plan reads (the references of its own rows, for
        holds and dangling keys) only the plan's own rows decide, which the busy
        batches do not write."""
        key = self.keys[rule.table]
        taken: dict[str, set[Key]] = {}
        for b in busy:
            taken.setdefault(b.table, set()).update(b.keys)
        groups: list[tuple[list[Row], Strategy | None]] = [(rows, None)]
        if expired is not None:
            gone = [r for r in rows if tuple(r[c] for c in key) in expired]
            kept = [r for r in rows if tuple(r[c] for c in key) not in expired]
            groups = [(gone, "delete"), (kept, None)]
        out: list[Batch] = []
        for group, override in groups:
            if not group:
                continue
            found = {
                t: r for t, r in walk(self.datamap, self.edges, {rule.table: group}, fetch,
                                      self.keys).items() if r
            }  # fmt: skip
            if taken or self.claimed:
                found = {t: r for t, r in _without(found, taken, self.claimed).items() if r}
                if not found:
                    continue
            order, _ = deletion_order(found, self.edges)
            steps = tuple(
                self._step(fetch, name, found[name], override if name == rule.table else None)
                for name in reversed(order)
            )
            window = Plan("user_id", steps, (), tuple(order), ())
            pinned = {t: _held_among(self.pinned.get(t, {}), found[t]) for t in found}
            try:
                made = batches(fetch, self.datamap, window, batch_size=self.batch_size,
                               now=self.now, holds=pinned)  # fmt: skip
            except ErasureBlocked as exc:
                raise ErasureBlocked(
                    str(exc).replace("erase these rows", f"execute the rule of {rule.table}")
                ) from None
            out += [replace(b, batch_no=len(out) + i) for i, b in enumerate(made, start=1)]
        return out

    def _step(
        self, fetch: Fetcher, name: str, rows: dict[Key, Row], override: Strategy | None
    ) -> PlanStep:
        t = self.datamap.tables[name]
        erasure = t.erasure
        strategy = override or (erasure.strategy if erasure else None)
        count = len(rows) if t.primary_key else fetch.count(name, self.keys[name], list(rows))
        return PlanStep(
            table=name,
            role=t.role,
            strategy=strategy,
            columns=tuple(erasure.columns) if erasure else (),
            hold=erasure.hold if erasure and strategy == "keep" else None,
            key_columns=self.keys[name],
            keys=tuple(ordered(rows)),
            count=count,
        )

    def _starts(self, fetch: Fetcher, rule: Rule, rows: list[Row]) -> list[object]:
        """The start of each of ``rows``: its start column, or when its event happened."""
        key = self.keys[rule.table]
        keys = ordered(tuple(row[c] for c in key) for row in rows)
        column_ = str(rule.start_column if rule.event is None else rule.event_key)
        found = [r[column_] for r in fetch(rule.table, [*key, column_], key, keys)]
        if rule.event is None:
            return [v for v in found if v is not None]
        query = select(RetentionEvent.at).where(
            RetentionEvent.event == rule.event,
            RetentionEvent.table_name == rule.event_table,
            RetentionEvent.at < rule.cutoff(self.now).before,
            RetentionEvent.row_key.in_(sorted({str(v) for v in found if v is not None})),
        )
        with session_scope(make_sessionmaker(self.store)) as session:
            return list(session.scalars(query))

    def span(self, rule: Rule) -> tuple[str | None, str | None]:
        """The earliest and latest start among the rule's due rows (or due events); for a
        table's later rule, in a plan, among the rows it keeps."""
        if self.spans is not None and rule.name in self.earlier:
            starts = sorted(self.spans.get(rule.name, []), key=_sortable)
            return (_iso(starts[0]), _iso(starts[-1])) if starts else (None, None)
        cut = rule.cutoff(self.now)
        if rule.event is not None:
            query = select(func.min(RetentionEvent.at), func.max(RetentionEvent.at)).where(
                RetentionEvent.event == rule.event,
                RetentionEvent.table_name == rule.event_table,
                RetentionEvent.at < cut.before,
            )
            with session_scope(make_sessionmaker(self.store)) as session:
                low, high = session.execute(query).one()
        else:
            t = self._table(rule.table, [str(rule.start_column)])
            start = t.c[str(rule.start_column)]
            with self.app.connect() as conn:
                query = select(func.min(start), func.max(start)).where(
                    self._before(t, rule, cut), *self._left(t, rule.table)
                )
                low, high = conn.execute(query).one()
                conn.rollback()
        return _iso(low), _iso(high)


def _without(
    found: dict[str, dict[Key, Row]], taken: dict[str, set[Key]], claimed: dict[str, set[Key]]
) -> dict[str, dict[Key, Row]]:
    """``found`` less the rows of ``taken`` (per table, by key) and of ``claimed`` (keys
    as the log keeps them: dates and the like as text)."""
    out: dict[str, dict[Key, Row]] = {}
    for t, rows in found.items():
        mine, theirs = taken.get(t), claimed.get(t)
        if mine:
            rows = {k: r for k, r in rows.items() if k not in mine}
        if theirs:
            rows = {k: r for k, r in rows.items() if tuple(log.plain_key(k)) not in theirs}
        out[t] = rows
    return out


def _held_among(held: dict[Key, str], rows: dict[Key, Row]) -> dict[Key, str]:
    """The held rows among a window's rows, looked up from the smaller side: a sweep
    holds a few rows, a window has thousands."""
    if len(held) < len(rows):
        return {k: h for k, h in held.items() if k in rows}
    return {k: held[k] for k in rows if k in held}


def _after(t: TableClause, key: Sequence[str], cursor: Sequence[object]) -> ColumnElement[bool]:
    if len(key) == 1:
        return t.c[key[0]] > literal(cursor[0])
    return tuple_(*(t.c[c] for c in key)) > tuple_(*(literal(v) for v in cursor))


def _sortable(value: object) -> tuple[int, object]:
    """Starts in time order: aware date/times by their instant, the rest (naive, dates, a
    driver's text) as they compare among themselves."""
    if isinstance(value, datetime):
        return (0, value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return (0, datetime(value.year, value.month, value.day, tzinfo=UTC))
    return (1, str(value))


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
