"""Private calendar feeds (I5): a secret URL per user that calendar programs subscribe to."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from ladoga.accounts.models import User

from ..models import CalendarFeed

FEED_PREFIX = "cal_"
TOUCH_INTERVAL = datetime.timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new feed address for `user`; any earlier one stops working. The token is returned
    once and only its hash is kept."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, prefix=token[:12], key_hash=_hash(token))
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_feed_user(*, token: str) -> User | None:
    """The active user a feed token belongs to, or None (unknown, revoked, inactive)."""
    if not token or not token.startswith(FEED_PREFIX) or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(key_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > TOUCH_INTERVAL:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user
