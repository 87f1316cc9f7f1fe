"""The data map: what an application database holds, and what erasure does to each table.

``treu datamap scan`` proposes one; people edit it and keep it in version control
(``datamap.yaml``).  It carries no data values, only names, types, categories and
the reasons for them.  The structure checks live here; checks against a live
database live in ``check.py``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from treu.datamap._bindings import Loc, bindings, retention_issues, rule_name_issues, unknown
from treu.policy.checks import Issue
from treu.policy.durations import parse_duration
from treu.policy.model import Term
from treu.policy.reference import retention_presets
from treu.policy.taxonomy import fideslang_keys, suggest

__all__ = [
    "Column",
    "DataMap",
    "Database",
    "Erasure",
    "EventStart",
    "Guard",
    "Identity",
    "Ownership",
    "PurposeName",
    "Reference",
    "RetentionBinding",
    "Role",
    "RuleName",
    "Strategy",
    "Table",
    "consistency",
    "is_category",
    "retention_issues",
]

Identity = Literal["email", "phone", "user_id"]
"""How a data subject is found: by e-mail address, phone number or user id."""

Ownership = Literal["child_of", "context", "none"]
"""What following a reference from the referencing row means: the row belongs to the
referenced one (``child_of``), points at shared context (``context``), or neither."""

Role = Literal["subject", "owned", "shared", "unrelated"]
"""A table holds data subjects, rows owned by them, context shared by many, or neither."""

Strategy = Literal["delete", "nullify", "mask", "hash", "keep"]
"""What erasure does to a subject's rows in a table."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
GuardName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
PurposeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=64)]
"""A purpose a person can object to: ``marketing``, a fideslang data use, an activity id."""
RuleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=48)]
"""A deletion rule's own name (``members-own-account``): in the run log, the job queue
and ``--only``.  At most 48 characters: ``retention-rule:<name>`` names its job's lease."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Column(_Model):
    type: Name
    nullable: bool = True
    category: Name | None = None
    """A fideslang data category (``user.contact.email``) or none: not personal."""
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    identity: Identity | None = None
    reasons: list[str] = Field(default_factory=list)
    """Why the category was proposed; names and counts only, never a value."""


class Reference(_Model):
    """A link from some columns of this table to another table's columns."""

    columns: list[Name] = Field(min_length=1)
    to_table: Name
    to_columns: list[Name] = Field(min_length=1)
    declared: bool = False
    """True: the database has no foreign key for it (written by hand, or proposed by the
    scan); false: found as a foreign key."""
    ownership: Ownership | None = None
    proposed: bool = False
    """True: not a foreign key but inferred by the scan from names and sampled values
    (see ``reasons``); a person reviews it, then deletes this flag or the reference."""
    reasons: list[str] = Field(default_factory=list)
    """Why the scan proposed it; names and counts only, never a value."""

    @model_validator(mode="after")
    def _same_length(self) -> Reference:
        if len(self.columns) != len(self.to_columns):
            raise ValueError(
                f"{len(self.columns)} column(s) refer to {len(self.to_columns)} column(s); "
                "list as many to_columns as columns"
            )
        return self


class Erasure(_Model):
    """``delete`` rows; ``nullify``, ``mask`` or ``hash`` the named columns; or ``keep``
    them under a legal hold naming a retention preset or rule of the policy.

    Kept rows are restricted (Art. 18): ``restriction_column`` marks them, and every
    personal column but the ``keep_columns`` the hold needs (invoice number, amount,
    date) is masked.  On a ``delete`` table both say how to restrict the rows that kept
    rows of another table still refer to, which are restricted instead of deleted.

    A restriction the person asks for (Art. 18(1)) marks their rows with the same
    ``restriction_column`` and masks nothing, so any strategy may name one."""

    strategy: Strategy
    columns: list[Name] = Field(default_factory=list)
    hold: Name | None = None
    restriction_column: Name | None = None
    """A column that marks a row restricted (boolean, number, date/time or text)."""
    keep_columns: list[Name] = Field(default_factory=list)
    """Personal columns a restricted row keeps because the hold needs them."""

    @model_validator(mode="after")
    def _fits_strategy(self) -> Erasure:
        if self.strategy in ("nullify", "mask", "hash") and not self.columns:
            raise ValueError(f"'{self.strategy}' needs the columns it applies to: columns: [...]")
        if self.strategy in ("delete", "keep") and self.columns:
            raise ValueError(f"'{self.strategy}' applies to whole rows; remove 'columns'")
        if self.strategy == "keep" and self.hold is None:
            raise ValueError(
                "'keep' needs the legal hold that requires it: hold: <retention preset or rule>, "
                "e.g. hold: hgb-ao-vouchers"
            )
        if self.strategy != "keep" and self.hold is not None:
            raise ValueError("only 'keep' takes a hold; remove 'hold' or use strategy: keep")
        if self.strategy not in ("keep", "delete") and self.keep_columns:
            raise ValueError(
                "only rows that are kept (or deleted unless kept rows refer to them) keep "
                "columns under a hold; remove 'keep_columns'"
            )
        return self


EventName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]*$", max_length=64)]


class EventStart(_Model):
    """A period that starts with a domain event the application records
    (``treu.retention.record_event``): ``{event: account_deleted, key: customer_id}``.

    The event is recorded for a row of ``table`` (default: this table) by its key; ``key``
    is the column of this table that holds that key."""

    event: EventName
    key: Name
    table: Name | None = None


class RetentionBinding(_Model):
    """The deletion rule (Löschregel, R2) of a table: a start plus a period, the period
    taken from an activity of the policy, a legal preset, or given here.

    ``start`` is a date/time column of the table, or an ``EventStart``;
    ``from_year_end`` counts the period from the end of the calendar year of the start
    (§ 257(5) HGB, § 147(4) AO) - given by the preset or the activity, or here for a
    ``period``.  A ``period`` of its own may be zero: ``0 days`` ends with the start's
    day (a licence restricted from the day after its term), ``0 hours`` at its moment
    (deleted by the next sweep after the event: "at once on withdrawal")."""

    name: RuleName | None = None
    """The rule's name where a table has more than one (see ``Table.retention``)."""
    activity: Name | None = None
    case: Name | None = None
    """With ``activity``: one of its retention ``cases`` (a period of its own for some of
    its data, e.g. enquiries that led to no quote) instead of its main period."""
    on_behalf: Name | None = None
    """A ``processing_on_behalf`` id of the policy: its ``retention`` gives the period (the
    processor's promise to its customers, e.g. "30 days after the contract ends")."""
    preset: Name | None = None
    period: Name | None = None
    start: Name | EventStart
    from_year_end: bool | None = None

    @model_validator(mode="after")
    def _one_source(self) -> RetentionBinding:
        if self.case is not None and self.activity is None:
            raise ValueError("'case' names a retention case of an activity: give 'activity' too")
        sources = ("activity", "on_behalf", "preset", "period")
        given = [k for k in sources if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'activity' (an activity id of the policy), 'on_behalf' "
                "(a processing_on_behalf id), 'preset' (e.g. hgb-ao-vouchers) or 'period' "
                "(e.g. P12M)" + (f"; found {', '.join(given)}" if given else "")
            )
        if self.period is not None:
            parse_duration(self.period, zero=True)
        if self.preset is not None and self.from_year_end is not None:
            raise ValueError(
                "a preset says itself whether it counts from the end of the year; "
                "remove 'from_year_end'"
            )
        return self

    @property
    def start_column(self) -> str | None:
        return self.start if isinstance(self.start, str) else None


def _form(value: object) -> str:
    return "binding[list]" if isinstance(value, list) else "binding[one]"


Bindings = Annotated[
    Annotated[RetentionBinding, Tag("binding[one]")]
    | Annotated[list[RetentionBinding], Field(min_length=1), Tag("binding[list]")],
    Discriminator(_form),
]
"""One binding, or a list of them; the tags are dropped from error paths (``[...]``)."""


class Table(_Model):
    primary_key: list[Name] = Field(default_factory=list)
    role: Role | None = None
    erasure: Erasure | None = None
    objection_columns: dict[PurposeName, Name] = Field(default_factory=dict)
    """Per purpose, the column that marks a row whose person objected to it (Art. 21):
    ``{marketing: no_marketing}``.  The purpose is ``marketing`` (direct marketing,
    Art. 21(2)), a fideslang data use or an activity id of the policy."""
    columns: dict[str, Column] = Field(default_factory=dict)
    references: list[Reference] = Field(default_factory=list)
    retention: Bindings | None = None
    """The table's deletion rule, executed by ``treu retention run`` - or a list of rules
    when one promise of the policy is not enough for its rows ("deleted a month after the
    association cancels; your own account 30 days after you close it").

    A rule is named by its table, as it always was; in a list the first binding keeps
    that name unless it gives its own, and every binding after it names itself
    (``name: members-own-account``).  So a table's first rule never changes its name - its
    job, its runs in the log, ``--only <table>`` - when a second rule joins it, and every
    other name says what it is for.  Names are unique in the map, and no rule takes the
    name of another table."""

    def rules(self) -> list[RetentionBinding]:
        """The table's bindings in order (none, one, or the list)."""
        return [b for _, b in bindings(self.retention, ())]

    @property
    def restriction_column(self) -> str | None:
        """The column that marks a row restricted (Art. 18), if the map names one."""
        return self.erasure.restriction_column if self.erasure else None

    def fixed_columns(self) -> set[str]:
        """Columns no request may write: keys, references, restriction and objection marks."""
        fixed = set(self.primary_key) | {c for ref in self.references for c in ref.columns}
        fixed |= set(self.objection_columns.values())
        if self.restriction_column:
            fixed.add(self.restriction_column)
        return fixed


class Guard(_Model):
    """A domain rule checked before erasure: a SELECT that returns rows when erasing
    must not go ahead, and the message shown then."""

    name: GuardName
    sql: Name
    message: Term

    @model_validator(mode="after")
    def _one_select(self) -> Guard:
        sql = self.sql.strip().rstrip(";")
        if ";" in sql:
            raise ValueError("a guard is one SQL statement; remove the ';' inside it")
        if sql.split(None, 1)[0].lower() not in ("select", "with"):
            raise ValueError("a guard is a query: start it with SELECT (or WITH)")
        return self


class Database(_Model):
    dialect: Name
    schema_name: Name | None = None
    scanned_at: AwareDatetime


class DataMap(_Model):
    treu_datamap: Literal[1] = 1
    database: Database
    tables: dict[str, Table] = Field(default_factory=dict)
    guards: list[Guard] = Field(default_factory=list)

    def subjects(self) -> list[str]:
        """Tables whose rows are data subjects."""
        return [name for name, table in self.tables.items() if table.role == "subject"]


def consistency(datamap: DataMap) -> list[Issue]:
    """What the map says that does not fit together: names of columns or tables it does
    not list (``DM4``) and data categories that fideslang does not know (``DM5``)."""
    issues: list[Issue] = []
    for name, table in datamap.tables.items():
        at: Loc = ("tables", name)
        named: list[tuple[Loc, str]] = [
            ((*at, "primary_key", i), c) for i, c in enumerate(table.primary_key)
        ]
        if table.erasure:
            named += [
                ((*at, "erasure", "columns", i), c) for i, c in enumerate(table.erasure.columns)
            ]
            named += [
                ((*at, "erasure", "keep_columns", i), c)
                for i, c in enumerate(table.erasure.keep_columns)
            ]
            if table.erasure.restriction_column:
                named.append(
                    ((*at, "erasure", "restriction_column"), table.erasure.restriction_column)
                )
        named += [
            ((*at, "objection_columns", purpose), c)
            for purpose, c in table.objection_columns.items()
        ]
        for r, ref in enumerate(table.references):
            named += [((*at, "references", r, "columns", i), c) for i, c in enumerate(ref.columns)]
            target = datamap.tables.get(ref.to_table)
            if target is None:
                issues.append(
                    unknown(
                        (*at, "references", r, "to_table"),
                        "table",
                        ref.to_table,
                        set(datamap.tables),
                    )
                )
                continue
            issues += [
                unknown(
                    (*at, "references", r, "to_columns", i),
                    f"column of {ref.to_table}",
                    c,
                    set(target.columns),
                )
                for i, c in enumerate(ref.to_columns)
                if c not in target.columns
            ]
        issues += [
            unknown(loc, "column", c, set(table.columns))
            for loc, c in named
            if c not in table.columns
        ]
        for loc, binding in bindings(table.retention, (*at, "retention")):
            issues += _retention_structure(loc, at, name, binding, table, datamap)
        for column_name, column in table.columns.items():
            if column.category is not None and not is_category(column.category):
                near = suggest(column.category, fideslang_keys("data_category"))
                issues.append(
                    Issue(
                        (*at, "columns", column_name, "category"),
                        f"'{column.category}' is not a fideslang data category",
                        f"did you mean '{near}'?" if near else "see fideslang's data categories",
                        item="DM5",
                    )
                )
    return issues + rule_name_issues(datamap)


def _retention_structure(
    loc: Loc, at: Loc, name: str, rule: RetentionBinding, table: Table, datamap: DataMap
) -> list[Issue]:
    """What a deletion rule (at ``loc``) needs of its table: a date/time start column (or
    an event key column), a known preset, a primary key to page by and an erasure
    strategy; and no shared rows, which belong to many subjects.  What concerns the table
    rather than the rule is said once, at the first rule."""
    issues: list[Issue] = []
    first = loc[-1] in ("retention", 0)
    if rule.preset is not None and rule.preset not in retention_presets():
        issues.append(unknown((*loc, "preset"), "retention preset", rule.preset,
                               set(retention_presets())))  # fmt: skip
    if isinstance(rule.start, str):
        column = table.columns.get(rule.start)
        if column is None:
            issues.append(unknown((*loc, "start"), "column", rule.start, set(table.columns)))
        elif not any(word in column.type.upper() for word in ("DATE", "TIME")):
            issues.append(Issue((*loc, "start"),
                                f"'{rule.start}' is {column.type}, not a date or time column",
                                "start the period at a DATE or TIMESTAMP column, or at an event",
                                item="R2"))  # fmt: skip
    else:
        if rule.start.key not in table.columns:
            issues.append(unknown((*loc, "start", "key"), "column", rule.start.key,
                                   set(table.columns)))  # fmt: skip
        if rule.start.table is not None and rule.start.table not in datamap.tables:
            issues.append(unknown((*loc, "start", "table"), "table", rule.start.table,
                                   set(datamap.tables)))  # fmt: skip
    if not first:
        return issues
    if table.role == "shared":
        issues.append(Issue((*at, "role"),
                            f"{name} is shared: its rows belong to many subjects, so no rule "
                            "deletes them",
                            "bind the rule to the tables whose rows the subjects own", item="R2"))  # fmt: skip
    if not table.primary_key:
        issues.append(Issue(loc, f"{name} has no primary key; a rule pages through its rows by it",
                            "name the primary_key of the table", item="R2"))  # fmt: skip
    if table.erasure is None:
        issues.append(Issue(loc, f"{name} has a retention rule but no erasure strategy",
                            "set erasure: {strategy: delete} (or nullify, mask, keep)",
                            item="R2"))  # fmt: skip
    elif table.erasure.strategy == "hash":
        issues.append(Issue((*at, "erasure", "strategy"),
                            f"{name} hashes its columns, and a hashed row cannot be told from "
                            "a new one: every sweep would hash the hashes again",
                            "use delete, nullify or mask for a table with a retention rule",
                            item="R2"))  # fmt: skip
    return issues


def is_category(key: str) -> bool:
    """A fideslang data category, or an organisation's own key below one of its most
    specific keys (``user.content.private.chat``; such extensions are declared in the
    policy).  ``user.contact.emial`` is not: ``user.contact`` has keys of its own."""
    known = fideslang_keys("data_category")
    if key in known:
        return True
    parent = key.rpartition(".")[0]
    while parent and parent not in known:
        parent = parent.rpartition(".")[0]
    return bool(parent) and not any(k.startswith(parent + ".") for k in known)
