"""Companies by domain and by name: one node per company where the data allows it.

A company is keyed by its web domain when a record gives one, else by its folded name
(`identity.company.company_key`). A domain company keeps the folded name it was first seen
with (`name_key`), so:

* a mention by name alone links to the domain company of that name, when exactly one is
  known (`resolve_names`, before the link queries write);
* a name-only company made before its domain company was known is folded into it once it
  is, its relationships moved over (`settle_names`, after they write).

Relationships that reached a domain company by name are marked `via_name`. A name that
two domains share ("Acme" for acme.com and acme.de) is ambiguous: once the second domain
company appears, what reached either by name moves back to the name-only company
(`settle_names`), and nothing reaches them by that name again. Every order of arrival
ends in the same graph. Concurrent chunks are serialised where they would race: on the
domain companies of a name looked up (`link/company_domains`), and on the name-only
company of a name being settled (`link/lock_company_names`). Model and limits:
docs/graph-model.md, "Companies".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from graph_service.db import GraphTx

Row = dict[str, Any]


def company_rows(rows_by_query: Mapping[str, Sequence[Row]]) -> Iterator[Row]:
    """Every company map the link rows of a batch carry (deals, conversations, jobs)."""
    for rows in rows_by_query.values():
        for row in rows:
            if row.get("company"):
                yield row["company"]
            yield from row.get("companies") or ()
            for job in row.get("jobs") or ():
                yield job["company"]


def resolve_names(tx: GraphTx, rows_by_query: Mapping[str, Sequence[Row]]) -> int:
    """Point name-only company mentions at their domain company where the name has
    exactly one; returns how many mentions were re-pointed. Mutates the rows."""
    by_name = [c for c in company_rows(rows_by_query) if c["domain"] is None]
    if not by_name:
        return 0
    names = sorted({c["name_key"] for c in by_name})
    found = {r["name_key"]: r["key"] for r in tx.run("link/company_domains", name_keys=names)}
    pointed = 0
    for company in by_name:
        key = found.get(company["name_key"])
        if key is not None:
            company["key"], company["via_name"] = key, company["name_key"]
            pointed += 1
    return pointed


def settle_names(tx: GraphTx, rows_by_query: Mapping[str, Sequence[Row]]) -> tuple[int, int]:
    """After the batch's links are written: fold name-only companies into the batch's
    domain companies that bear their name, or, where a name has turned out to be shared
    by two domains, move what reached them by name back to a name-only company. Returns
    (companies folded, relationships moved back)."""
    keys = sorted({c["key"] for c in company_rows(rows_by_query) if c["domain"] and c["name_key"]})
    if not keys:
        return 0, 0
    tx.run("link/lock_company_names", keys=keys)
    unfolded = int(tx.run("link/unfold_company_names", keys=keys)[0]["unfolded"])
    folded = int(tx.run("link/fold_company_names", keys=keys)[0]["folded"])
    return folded, unfolded
