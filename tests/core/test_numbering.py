import datetime
import threading

import pytest
from django.db import connections, transaction

from ladoga.core.numbering import number_next


def test_numbers_are_readable_and_count_per_kind_and_year(db):
    with transaction.atomic():
        first = number_next(kind="DL", on=datetime.date(2026, 3, 1))
        second = number_next(kind="DL", on=datetime.date(2026, 12, 31))
        other_kind = number_next(kind="CL", on=datetime.date(2026, 3, 1))
        next_year = number_next(kind="DL", on=datetime.date(2027, 1, 1))

    assert (first, second) == ("DL-2026-000001", "DL-2026-000002")
    assert other_kind == "CL-2026-000001"
    assert next_year == "DL-2027-000001"


def test_a_rolled_back_document_gives_its_number_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        number_next(kind="OR", on=datetime.date(2026, 1, 1))
        raise RuntimeError("the document failed to save")

    with transaction.atomic():
        assert number_next(kind="OR", on=datetime.date(2026, 1, 1)) == "OR-2026-000001"


def test_numbering_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        number_next(kind="DL")


@pytest.mark.django_db(transaction=True)
def test_parallel_creates_never_share_a_number():
    """Eight threads on eight connections take 25 numbers each, racing for the first row.

    PostgreSQL serialises them with the counter's row lock, SQLite with its IMMEDIATE
    write transactions."""
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(25):
                with transaction.atomic():
                    results.append(number_next(kind="PX", on=datetime.date(2026, 5, 5)))
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 200
    assert sorted(results) == [f"PX-2026-{n:06d}" for n in range(1, 201)]
