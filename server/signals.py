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

#: A person signed in with `user.phone` for the first time (or with a new number): what was kept for
#: that number may become theirs.
phone_signed_in = _signals.signal("phone-signed-in")

#: A person's personal data was erased; `phones` were theirs. Other features erase what they keep for them.
person_erased = _signals.signal("person-erased")

#: A person's data is exported; `phones` are theirs. Receivers return {section name: JSON-ready data} to add.
person_exported = _signals.signal("person-exported")

#: The resident `duplicate_id` was merged into `kept_id`, who lives at the unit at `kept_path`.
resident_merged = _signals.signal("resident-merged")

#: The coverage worker has flagged the records `counted` as counting and `withdrawn` (superseded by a
#: correction among `counted`) as no longer counting (dicts with the activities' columns).
activities_counted = _signals.signal("activities-counted")

#: Every record went back to the coverage worker's queue (a rebuild): what is kept from counted records
#: starts again from nothing.
counting_reset = _signals.signal("counting-reset")
