"""Run what the Celery workers run for a registered appeal, in this process, for callgrind to count.

`python -m bench.task_replay APPEAL:MESSAGE,MESSAGE ...` (run by bench.appeals under valgrind): for each appeal,
the router's task (route_appeal_task: the locked read, the rules, the UPDATE, the event, the SMS task's
publish), then the notifier's task for each of its messages (send_notification_task, through the SMS
backend of the settings). The database and the broker are real. Celery's own work around a task (receiving,
acknowledging) is not in it: appeal.celery_task_floor measures that.
"""

import os
import sys

from bench.appeals import BENCH_ENV


def replay(work: list[tuple[int, list[int]]]) -> None:
    from appeals.tasks import route_appeal_task, send_notification_task

    for appeal_id, message_ids in work:
        routed = route_appeal_task(appeal_id)
        assert routed, f"appeal {appeal_id} was not waiting for routing"
        for message_id in message_ids:
            sent = send_notification_task(message_id)
            assert sent, f"message {message_id} was not pending"


def parse(arguments: list[str]) -> list[tuple[int, list[int]]]:
    work = []
    for argument in arguments:
        appeal_id, _, messages = argument.partition(":")
        work.append((int(appeal_id), [int(message) for message in messages.split(",") if message]))
    return work


if __name__ == "__main__":
    os.environ.update(BENCH_ENV, DJANGO_SETTINGS_MODULE="bench.settings")
    import django

    django.setup()
    replay(parse(sys.argv[1:]))
