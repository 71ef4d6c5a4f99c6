"""Development sign-in (emulator mode only): the people the sign-in page offers and mints tokens for.

They come from whichever installed package registers a function under the `toso.dev_sign_in` entry
point group (the demo package does, in setup.cfg), so that production code never imports demo data."""

from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "toso.dev_sign_in"
DASHBOARD_ROLES = ("admin", "monitor", "team_leader")


def dev_people() -> list:
    """Every registered person: objects with `phone`, `name`, `role` and `unit`."""
    return [person for entry_point in entry_points(group=ENTRY_POINT_GROUP) for person in entry_point.load()()]


def dashboard_people() -> list:
    """Those whose role has a dashboard."""
    return [person for person in dev_people() if person.role in DASHBOARD_ROLES]
