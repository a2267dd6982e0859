"""Concurrency helpers: run a command while another transaction holds and changes the row
it is about to lock, so the command waits for that lock and then reads the changed row."""

import threading
import time

from django.db import connection, connections, transaction


def _lock_waiter_present() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def while_row_changed(queryset, changes: dict, action):
    """Lock the rows of `queryset` and change them with `changes` (QuerySet.update) in one
    transaction; start `action` in another thread with its own connection and commit
    once it waits for the lock. Returns (result, error) of `action`.

    PostgreSQL: the commit comes when pg_stat_activity shows the action waiting for the
    lock. SQLite: the action's IMMEDIATE transaction waits for the writer; a short pause
    lets it start first (if it has not, it simply runs after the change)."""
    go = threading.Event()
    outcome: dict = {}

    def worker():
        try:
            go.wait()
            outcome["result"] = action()
        except BaseException as error:  # reported to the test, not swallowed
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    with transaction.atomic():
        list(queryset.select_for_update())
        queryset.update(**changes)
        go.set()
        if connection.vendor == "postgresql":
            for _attempt in range(2000):
                if _lock_waiter_present():
                    break
                time.sleep(0.01)
        else:
            time.sleep(0.2)
    thread.join()
    return outcome.get("result"), outcome.get("error")
