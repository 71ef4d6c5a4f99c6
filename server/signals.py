"""What one feature announces so that another can keep its derived figures in step.

Receivers run inside the sender's transaction: what they write commits or rolls back with the
change that caused it. Coverage keeps its denominators this way (server/coverage/denominators.py)
without the units, teams and roles packages knowing about coverage."""

from blinker import Namespace

_signals = Namespace()

#: Population, households or villages changed for the units at these paths (`paths=None`: anywhere).
units_changed = _signals.signal("units-changed")

#: A team member or team leader with `phone` was added (`added=True`) or removed at the unit at `path`.
member_changed = _signals.signal("member-changed")

#: The coverage worker has counted (or withdrawn) these records (dicts with the activities' columns).
activities_counted = _signals.signal("activities-counted")
