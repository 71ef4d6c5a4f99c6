"""How ToSo's request states read in Open311, which knows only `open` and `closed`.

| ToSo status | Open311 |
| --- | --- |
| new, assigned, in_progress, waiting_on_resident | open |
| resolved, closed, cancelled, merged | closed |

`resolved` reads as closed: the team has finished; a reopened request reads as open again."""

from ..requests.models import FINISHED_STATUSES, OPEN_STATUSES

OPEN, CLOSED = "open", "closed"
TOSO_STATUSES = {OPEN: tuple(OPEN_STATUSES), CLOSED: tuple(FINISHED_STATUSES)}


def open311_status(status: str) -> str:
    return OPEN if status in OPEN_STATUSES else CLOSED
