"""The reference graph without a database: which way a reference means ownership, and
that the walk reaches a person's own rows and nobody else's (belonging, not reachability).

Tables are lists of dicts; ``memory`` answers the walk's fetches from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from treu.datamap import Column, Database, DataMap, Reference, Table
from treu.datamap._graph import (
    Edge,
    Fetch,
    Found,
    Key,
    PlanWarning,
    Row,
    context_keys,
    deletion_order,
    infer,
    key_columns,
    resolve,
    walk,
)
from treu.datamap.model import Ownership, Role

RefSpec = tuple[str | list[str], str, Ownership | None]


def table(role: Role | None, *refs: RefSpec, pk: Sequence[str] = ("id",)) -> Table:
    references = [
        Reference(
            columns=[cols] if isinstance(cols, str) else cols,
            to_table=to,
            to_columns=["id"] if isinstance(cols, str) else ["id", "nr"][: len(cols)],
            ownership=ownership,
        )
        for cols, to, ownership in refs
    ]
    names = [*pk, *(c for r in references for c in r.columns)]
    return Table(
        role=role,
        primary_key=list(pk),
        columns={n: Column(type="INTEGER") for n in names},
        references=references,
    )


def datamap(**tables: Table) -> DataMap:
    database = Database(dialect="sqlite", scanned_at=datetime(2026, 6, 1, tzinfo=UTC))
    return DataMap(database=database, tables=tables)


def memory(data: dict[str, list[Row]], calls: list[str] | None = None) -> Fetch:
    def fetch(
        name: str, columns: Sequence[str], match: Sequence[str], values: Sequence[Key]
    ) -> list[Row]:
        if calls is not None:
            calls.append(name)
        wanted = set(values)
        return [
            {c: row[c] for c in columns}
            for row in data[name]
            if tuple(row[m] for m in match) in wanted
        ]

    return fetch


def run(
    dm: DataMap, data: dict[str, list[Row]], subject: str, *ids: int
) -> tuple[Found, list[Edge]]:
    edges, _ = resolve(dm)
    keys = {name: key_columns(name, t, edges) for name, t in dm.tables.items()}
    seeds = {subject: [row for row in data[subject] if row["id"] in ids]}
    return walk(dm, edges, seeds, memory(data), keys), edges


def ids(found: Found, name: str) -> set[object]:
    return {k[0] for k in found.get(name, {})}


# Many customers share one support agent and one organisation.
HELPDESK = datamap(
    organisations=table("shared"),
    staff=table("shared", ("organisation_id", "organisations", None)),
    customers=table("subject", ("organisation_id", "organisations", None)),
    tickets=table("owned", ("customer_id", "customers", None), ("agent_id", "staff", None)),
    ticket_messages=table("owned", ("ticket_id", "tickets", None), ("author_id", "staff", None)),
    attachments=table("owned", ("message_id", "ticket_messages", None)),
)
DATA: dict[str, list[Row]] = {
    "organisations": [{"id": 1}],
    "staff": [{"id": 7, "organisation_id": 1}],
    "customers": [{"id": 1, "organisation_id": 1}, {"id": 2, "organisation_id": 1}],
    "tickets": [
        {"id": 10, "customer_id": 1, "agent_id": 7},
        {"id": 11, "customer_id": 1, "agent_id": None},
        {"id": 20, "customer_id": 2, "agent_id": 7},
    ],
    "ticket_messages": [
        {"id": 100, "ticket_id": 10, "author_id": 7},
        {"id": 101, "ticket_id": 10, "author_id": None},
        {"id": 200, "ticket_id": 20, "author_id": 7},
    ],
    "attachments": [{"id": 1000, "message_id": 101}, {"id": 2000, "message_id": 200}],
}


@pytest.mark.parametrize(
    ("source", "target", "self_reference", "expected"),
    [
        ("owned", "shared", False, "context"),
        ("subject", "shared", False, "context"),
        ("owned", "subject", False, "child_of"),
        ("unrelated", "owned", False, "child_of"),
        ("owned", "owned", True, None),  # a reply to someone else's message
        ("subject", "subject", True, None),  # recruited by another customer
        ("subject", "subject", False, None),
        ("subject", "owned", False, None),
        ("owned", "unrelated", False, None),
        (None, "subject", False, None),
    ],
)
def test_ownership_is_inferred_conservatively(
    source: Role | None, target: Role, self_reference: bool, expected: Ownership | None
) -> None:
    assert infer(source, target, self_reference=self_reference) == expected


def test_the_maps_explicit_ownership_always_wins_and_unclear_ones_warn() -> None:
    dm = datamap(
        customers=table("subject", ("referred_by", "customers", None)),
        experts=table("subject", ("customer_id", "customers", "child_of")),
        orders=table("owned", ("customer_id", "customers", "none"), ("shop", "shops", None)),
        staff=table("shared", ("customer_id", "customers", "child_of")),
    )
    edges, warnings = resolve(dm)
    by_via = {e.via: (e.ownership, e.inferred) for e in edges}
    assert by_via == {
        "customers.referred_by": ("none", True),
        "experts.customer_id": ("child_of", False),
        "orders.customer_id": ("none", False),
        "staff.customer_id": ("none", False),
    }
    assert warnings == [
        PlanWarning("unclear-ownership", "customers", ("referred_by", "customers")),
        PlanWarning("unknown-table", "orders", ("shop", "shops")),
        PlanWarning("shared-child", "staff", ("customer_id", "customers")),
    ]
    assert "ownership: child_of, context or none" in warnings[0].text("en")
    assert "nicht verfolgt" in warnings[0].text("de")


def test_walk_follows_child_of_over_several_levels_and_only_from_parent_to_child() -> None:
    found, _ = run(HELPDESK, DATA, "customers", 1)
    assert ids(found, "customers") == {1}
    assert ids(found, "tickets") == {10, 11}
    assert ids(found, "ticket_messages") == {100, 101}
    assert ids(found, "attachments") == {1000}


def test_shared_rows_are_context_never_expanded_to_their_other_dependants() -> None:
    found, edges = run(HELPDESK, DATA, "customers", 1)
    assert "staff" not in found and "organisations" not in found
    assert not {20, 200, 2000} & (ids(found, "tickets") | ids(found, "ticket_messages")
                                  | ids(found, "attachments"))  # fmt: skip
    keys = {name: key_columns(name, t, edges) for name, t in HELPDESK.tables.items()}
    context = {(e.target, e.via): picked for e, picked in context_keys(found, edges, keys)}
    assert context == {
        ("organisations", "customers.organisation_id"): [(1,)],
        ("staff", "tickets.agent_id"): [(7,)],
        ("staff", "ticket_messages.author_id"): [(7,)],
    }


def test_an_explicit_none_cuts_the_branch_below_it() -> None:
    dm = HELPDESK.model_copy(deep=True)
    dm.tables["ticket_messages"].references[0].ownership = "none"
    found, _ = run(dm, DATA, "customers", 1)
    assert ids(found, "tickets") == {10, 11}
    assert "ticket_messages" not in found and "attachments" not in found


def test_several_paths_to_a_row_count_it_once() -> None:
    dm = datamap(
        customers=table("subject"),
        orders=table("owned", ("customer_id", "customers", None)),
        invoices=table("owned", ("customer_id", "customers", None), ("order_id", "orders", None)),
    )
    data: dict[str, list[Row]] = {
        "customers": [{"id": 1}, {"id": 2}],
        "orders": [{"id": 5, "customer_id": 1}, {"id": 6, "customer_id": 2}],
        "invoices": [
            {"id": 50, "customer_id": 1, "order_id": 5},
            {"id": 51, "customer_id": 1, "order_id": None},
            {"id": 60, "customer_id": 2, "order_id": 6},
        ],
    }
    found, _ = run(dm, data, "customers", 1)
    assert sorted(found["invoices"]) == [(50,), (51,)]


def test_cycles_of_child_of_end_and_find_each_row_once() -> None:
    # A thread's replies are explicitly the thread starter's; posts and threads point at each other.
    dm = datamap(
        users=table("subject"),
        threads=table("owned", ("user_id", "users", None), ("first_post_id", "posts", "child_of")),
        posts=table(
            "owned", ("thread_id", "threads", "child_of"), ("reply_to", "posts", "child_of")
        ),
    )
    data: dict[str, list[Row]] = {
        "users": [{"id": 1}, {"id": 2}],
        "threads": [
            {"id": 1, "user_id": 1, "first_post_id": 1},
            {"id": 2, "user_id": 2, "first_post_id": 3},
        ],
        "posts": [
            {"id": 1, "thread_id": 1, "reply_to": None},
            {"id": 2, "thread_id": 1, "reply_to": 1},
            {"id": 3, "thread_id": 2, "reply_to": None},
            {"id": 4, "thread_id": 2, "reply_to": 3},
        ],
    }
    calls: list[str] = []
    edges, _ = resolve(dm)
    keys = {name: key_columns(name, t, edges) for name, t in dm.tables.items()}
    found = walk(dm, edges, {"users": [data["users"][0]]}, memory(data, calls), keys)
    assert ids(found, "threads") == {1} and ids(found, "posts") == {1, 2}
    assert len(calls) < 10
    order, warnings = deletion_order(found, edges)
    assert order[-1] == "users"
    assert warnings == [PlanWarning("order-cycle", "posts, threads")]


def test_composite_keys_are_matched_as_row_values() -> None:
    dm = datamap(
        kunden=table("subject", pk=("id", "nr")),
        vorgaenge=table("owned", (["kunde_id", "kunde_nr"], "kunden", None)),
    )
    data: dict[str, list[Row]] = {
        "kunden": [{"id": 1, "nr": 1}, {"id": 1, "nr": 2}, {"id": 2, "nr": 1}],
        "vorgaenge": [
            {"id": 1, "kunde_id": 1, "kunde_nr": 1},
            {"id": 2, "kunde_id": 1, "kunde_nr": 2},
            {"id": 3, "kunde_id": 2, "kunde_nr": 1},
        ],
    }
    edges, _ = resolve(dm)
    keys = {name: key_columns(name, t, edges) for name, t in dm.tables.items()}
    found = walk(dm, edges, {"kunden": [data["kunden"][1]]}, memory(data), keys)
    assert list(found["kunden"]) == [(1, 2)]
    assert list(found["vorgaenge"]) == [(2,)]


def test_deletion_order_puts_children_before_parents_whatever_the_ownership() -> None:
    edges, _ = resolve(HELPDESK)
    order, warnings = deletion_order(
        ["customers", "tickets", "ticket_messages", "attachments", "staff"], edges
    )
    assert order == ["attachments", "ticket_messages", "tickets", "customers", "staff"]
    assert warnings == []


def test_a_table_without_primary_key_is_named_by_its_link_to_the_parent() -> None:
    dm = datamap(
        customers=table("subject"), logins=table("owned", ("customer_id", "customers", None), pk=())
    )
    edges, _ = resolve(dm)
    assert key_columns("logins", dm.tables["logins"], edges) == ("customer_id",)
