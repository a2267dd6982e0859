"""Reads of the client classification (SPEC A7, L3), always through record-level access.

The current class of a client is its row in the latest finished run; a manager sees the
rows of the clients they may see (`accounts.access`, registered with the partner's
responsible manager).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Subquery, Sum

from ladoga.accounts.access import visibility_q, visible
from ladoga.partners.classes import ClientClass

from .models import ClassificationRun, ClientClassification

ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")


def latest_run_id_subquery():
    return Subquery(
        ClassificationRun.objects.filter(finished_at__isnull=False).order_by("-id").values("id")[:1]
    )


def latest_run() -> ClassificationRun | None:
    return ClassificationRun.objects.filter(finished_at__isnull=False).order_by("-id").first()


def runs_finished() -> QuerySet:
    return ClassificationRun.objects.filter(finished_at__isnull=False).order_by("-id")


def current_classes(partner_ids: list[int]) -> dict[int, ClientClass]:
    """The provider of `partners.classes`: the current class of each partner in one query
    (the latest run is a subquery). System-wide: callers decide who may see the partner."""
    rows = ClientClassification.objects.filter(
        run_id=latest_run_id_subquery(), partner_id__in=partner_ids
    ).values_list("partner_id", "abc", "xyz", "since", "previous")
    return {
        pk: ClientClass(abc=abc, xyz=xyz, since=since, previous=previous)
        for pk, abc, xyz, since, previous in rows
    }


def classes_visible_to(*, user, run: ClassificationRun | None = None) -> QuerySet:
    """The class rows of `run` (the current one) for the clients `user` may see."""
    rows = ClientClassification.objects.select_related("partner")
    rows = rows.filter(run=run) if run is not None else rows.filter(run_id=latest_run_id_subquery())
    return visible(rows, user)


@dataclass(frozen=True)
class Cell:
    abc: str
    xyz: str
    clients: int
    revenue: Decimal
    share: Decimal | None  # of the revenue of the clients shown, percent

    @property
    def label(self) -> str:
        return f"{self.abc}{self.xyz}"


@dataclass(frozen=True)
class Matrix:
    run: ClassificationRun | None
    cells: dict[str, Cell]  # "AX" … "CZ", and "A" … "C" for clients whose XYZ is unmeasured
    clients: int
    revenue: Decimal

    def rows(self) -> list[dict]:
        """A row per ABC class: its X, Y and Z cells and its clients of unmeasured demand."""
        return [
            {"abc": a, "cells": [self.cells[a + x] for x in XYZ], "unmeasured": self.cells[a]}
            for a in ABC
        ]


def abc_xyz_matrix(*, user) -> Matrix:
    """The 9-cell ABC×XYZ matrix of the clients `user` may see in the current run: the
    number of clients, their revenue and its share in each cell: read from the run for
    whoever sees every client, one grouped query over the visible rows otherwise."""
    run = latest_run()
    counts = {}
    if run is not None and run.cells and visibility_q(ClientClassification, user) is None:
        counts = {  # stored with the run, for whoever sees every client
            (label[0], label[1:]): {"clients": clients, "revenue": Decimal(revenue)}
            for label, (clients, revenue) in run.cells.items()
        }
    elif run is not None:
        counts = {
            (row["abc"], row["xyz"]): row
            for row in classes_visible_to(user=user, run=run)
            .values("abc", "xyz")
            .annotate(clients=Count("id"), revenue=Sum("revenue"))
            .order_by()
        }
    total = sum((row["revenue"] or Decimal("0") for row in counts.values()), Decimal("0"))
    cells = {}
    for a in ABC:
        for x in (*XYZ, ""):
            row = counts.get((a, x), {})
            revenue = row.get("revenue") or Decimal("0")
            share = revenue * 100 / total if total > 0 else None
            cells[a + x] = Cell(a, x, row.get("clients", 0), revenue, share)
    return Matrix(
        run=run,
        cells=cells,
        clients=sum(row["clients"] for row in counts.values()),
        revenue=total,
    )


@dataclass(frozen=True)
class Move:
    partner_id: int
    partner_name: str
    before: str
    after: str


def class_moves(*, user, run: ClassificationRun, before: ClassificationRun) -> list[Move]:
    """The clients `user` may see whose class differs between two runs (a client present
    in one run only moved from or to "—")."""
    old = dict(classes_visible_to(user=user, run=before).values_list("partner_id", "abc"))
    old_xyz = dict(classes_visible_to(user=user, run=before).values_list("partner_id", "xyz"))
    moves = []
    seen = set()
    for row in classes_visible_to(user=user, run=run).values_list(
        "partner_id", "partner__name", "abc", "xyz"
    ):
        pk, name, abc, xyz = row
        seen.add(pk)
        was = old.get(pk, "") + old_xyz.get(pk, "") if pk in old else ""
        if was != abc + xyz:
            moves.append(Move(pk, name, was, abc + xyz))
    gone = [pk for pk in old if pk not in seen]
    if gone:
        for pk, name in visible(
            ClientClassification.objects.filter(run=before, partner_id__in=gone), user
        ).values_list("partner_id", "partner__name"):
            moves.append(Move(pk, name, old[pk] + old_xyz[pk], ""))
    return sorted(moves, key=lambda m: (m.before, m.after, m.partner_name, m.partner_id))
