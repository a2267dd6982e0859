"""The periodic scheduler, safe with several `ladoga worker` processes on one Redis.

huey's consumer runs a scheduler that, once a minute, enqueues every periodic task whose
crontab matches. Two consumers started with their schedulers on (two machines, or a second
worker started by mistake) would each enqueue the same task for the same minute, and it would
run twice. `OncePerTickRedisHuey` claims every (task, minute) in Redis with SET NX and an
expiry before it enqueues: whichever scheduler comes first enqueues, the others skip. The
claim is keyed by the minute on the wall clock, not by the scheduler's own timer, so
schedulers started at different seconds still agree on what "this tick" is.

Tasks stay idempotent all the same (a task retried after a crash may run again); the claim
only keeps the schedule from doubling the work on every tick.
"""

import datetime
import logging

from huey import RedisHuey

logger = logging.getLogger("ladoga.scheduling")

# A claim outlives its minute by far: clocks of different machines differ by seconds, not hours.
TICK_CLAIM_SECONDS = 3600


def tick_of(timestamp: datetime.datetime) -> datetime.datetime:
    """The scheduler's tick a moment belongs to: its minute."""
    return timestamp.replace(second=0, microsecond=0)


class OncePerTickRedisHuey(RedisHuey):
    """RedisHuey whose scheduler enqueues each periodic task once per minute across every
    consumer sharing the queue."""

    def read_periodic(self, timestamp):
        if timestamp is None:
            timestamp = self._get_timestamp()
        tick = tick_of(timestamp)
        return [task for task in super().read_periodic(timestamp) if self._claim(task, tick)]

    def _claim(self, task, tick: datetime.datetime) -> bool:
        name = self._registry.task_to_string(type(task))
        key = f"huey.periodic.{self.name}.{name}.{tick:%Y%m%d%H%M}"
        # A plain key with its own expiry: huey's put_if_empty keeps a TTL only on Redis 7.4+.
        if self.storage.conn.set(key, "claimed", nx=True, ex=TICK_CLAIM_SECONDS):
            return True
        logger.info("Periodic task %s for %s was enqueued by another scheduler.", name, tick)
        return False
