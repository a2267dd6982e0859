import datetime

from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ladoga.accounts.models import LoginFailure
from ladoga.accounts.services import login_failures_prune
from ladoga.accounts.tasks import login_failures_prune_daily


def _failure(username: str, age: datetime.timedelta) -> LoginFailure:
    failure = LoginFailure.objects.create(username=username, address="10.0.0.1")
    LoginFailure.objects.filter(pk=failure.pk).update(at=timezone.now() - age)
    return failure


def test_nightly_prune_forgets_only_failures_older_than_the_window(db):
    window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    _failure("expired", window + datetime.timedelta(minutes=1))
    _failure("long-expired", window * 10)
    _failure("recent", window - datetime.timedelta(minutes=1))

    login_failures_prune_daily()  # tests run tasks immediately

    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["recent"]
    login_failures_prune_daily()  # idempotent: a second run changes nothing
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["recent"]


def test_prune_service_reports_how_many_it_removed(db):
    window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    _failure("expired", window * 2)

    assert login_failures_prune() == 1
    assert login_failures_prune() == 0


def test_prune_is_scheduled_once_a_night():
    night = datetime.datetime(2026, 3, 2, 3, 17)

    def due(at: datetime.datetime) -> bool:
        task_class = login_failures_prune_daily.task_class
        return any(isinstance(task, task_class) for task in HUEY.read_periodic(at))

    assert due(night)
    assert due(night + datetime.timedelta(days=1))
    assert not due(night.replace(hour=4))
    assert not due(night.replace(minute=18))
