"""Checks on recipients and third-country transfers (Art. 26, 28, Chapter V; N1, N6, S1)."""

from __future__ import annotations

from collections.abc import Iterator

from treu.policy._issues import Issue, Path
from treu.policy.model import EEA_COUNTRIES, Recipient, Transfer

__all__ = ["ADEQUATE_COUNTRIES", "recipient_issues", "transfer_issues"]

# Countries with an EU adequacy decision (Art. 45). The USA counts only for
# recipients certified under the EU-US Data Privacy Framework (mechanism "dpf").
ADEQUATE_COUNTRIES = frozenset("AD AR CA CH FO GB GG IL IM JE JP KR NZ UY".split())


def recipient_issues(recipient: Recipient, here: Path) -> Iterator[Issue]:
    if recipient.role == "processor" and recipient.contract_date is None:
        yield Issue(
            (*here, "contract_date"),
            "a processor needs a data-processing agreement (AV-Vertrag, Art. 28(3))",
            hint="give the date it was signed: contract_date: 2024-03-01",
            item="S1",
        )
    if recipient.role == "joint_controller" and recipient.arrangement is None:
        yield Issue(
            (*here, "arrangement"),
            "joint controllers must publish the essence of their arrangement (Art. 26(2))",
            item="N1",
        )
    covered = {t.country for t in recipient.transfers}
    if recipient.country not in EEA_COUNTRIES and recipient.country not in covered:
        yield Issue(
            (*here, "transfers"),
            f"data go to {recipient.country}, a third country, without a transfer mechanism",
            hint=f"add transfers: [{{country: {recipient.country}, mechanism: scc}}] "
            "(or adequacy, dpf, bcr, art49)",
            item="N6",
        )
    yield from transfer_issues(recipient.transfers, (*here, "transfers"))


def transfer_issues(transfers: list[Transfer], here: Path) -> Iterator[Issue]:
    """Chapter V: every third-country transfer has a mechanism that fits the country."""
    for j, transfer in enumerate(transfers):
        at = (*here, j)
        if transfer.country in EEA_COUNTRIES:
            yield Issue(
                (*at, "country"),
                f"{transfer.country} is in the EEA; no transfer mechanism is needed",
                severity="warning",
                item="N6",
            )
        elif transfer.mechanism == "none":
            yield Issue(
                (*at, "mechanism"),
                f"a transfer to {transfer.country} needs a Chapter V mechanism",
                hint="adequacy, dpf (USA, certified recipients), scc, bcr or art49",
                item="N6",
            )
        elif transfer.mechanism == "adequacy" and transfer.country not in ADEQUATE_COUNTRIES:
            hint = (
                "for the USA use 'dpf' if the recipient is certified, otherwise 'scc'"
                if transfer.country == "US"
                else f"countries with adequacy: {', '.join(sorted(ADEQUATE_COUNTRIES))}"
            )
            yield Issue(
                (*at, "mechanism"),
                f"{transfer.country} has no EU adequacy decision",
                hint=hint,
                item="N6",
            )
        elif transfer.mechanism == "dpf" and transfer.country != "US":
            yield Issue(
                (*at, "mechanism"),
                "the Data Privacy Framework covers only recipients in the USA",
                hint="elsewhere use adequacy, scc, bcr or art49",
                item="N6",
            )
        elif transfer.mechanism == "art49" and transfer.derogation is None:
            yield Issue(
                (*at, "derogation"),
                "an Art. 49 transfer must name its derogation",
                hint="e.g. explicit consent after being told of the risks (Art. 49(1)(a))",
                item="N6",
            )
