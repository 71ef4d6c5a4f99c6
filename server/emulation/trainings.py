"""Trainings (tập huấn) of team members, who attended them, and the skills members have.

A training's id is made by the client: sending it again is answered as success and changes
nothing; the same id with other content is a conflict."""

import uuid
from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.models import User
from ..auth.scope import Ability, Scope
from ..content.catalogue import known_service_codes
from ..coverage.services import readable_unit
from ..dbutil import in_values
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..teams.models import Team, TeamMember
from ..units.models import Unit
from ..units.paths import subtree_condition
from ..units.services import get_unit
from .criteria import current_criteria
from .models import EmulationTally, Training, TrainingAttendance
from .tallies import ALL_SERVICES


def _require_organiser(scope: Scope, unit: Unit) -> None:
    """Leaders and administrators of the area hold trainings; monitors and members do not."""
    if not scope.allows(Ability.MANAGE, unit):  # what POST /trainings declares
        raise Forbidden(_("Only team leaders and administrators of this area record trainings."))


def create_training(
    scope: Scope,
    training_id: uuid.UUID,
    unit_code: str,
    title: str,
    held_on: date,
    services: list[str],
    trainer: str | None,
) -> tuple[Training, bool]:
    """Returns the training and whether it was created now (False: the same training sent again)."""
    unit = get_unit(unit_code)
    _require_organiser(scope, unit)
    unknown = sorted(set(services) - known_service_codes())
    if unknown:
        message = _("Unknown services: %(codes)s.", codes=", ".join(unknown))
        raise InvalidInput(message, {"services": [message]})
    services = sorted(set(services))
    stored = db.session.get(Training, training_id)
    if stored is not None:
        same = (stored.unit_id, stored.title, stored.held_on, sorted(stored.services), stored.trainer) == (
            unit.id,
            title,
            held_on,
            services,
            trainer,
        )
        if not same:
            raise Conflict(_("A different training with this id is already stored."))
        return stored, False
    training = Training(
        id=training_id,
        unit_id=unit.id,
        unit_path=unit.path,
        title=title,
        held_on=held_on,
        services=services,
        trainer=trainer,
        created_by_id=scope.user.id,
    )
    db.session.add(training)
    db.session.flush()
    return training, True


def record_attendance(scope: Scope, training_id: uuid.UUID, phones: list[str]) -> Training:
    """Add attendees (idempotent). Each must be a member of a team in the training's area."""
    training = db.session.get(Training, training_id)
    if training is None or not scope.allows(Ability.VIEW, training.unit):
        raise NotFound(_("Not found, or outside your area."))
    _require_organiser(scope, training.unit)
    phones = sorted(set(phones))
    members = set(
        db.session.scalars(
            select(TeamMember.phone)
            .join(Team)
            .join(Unit, Team.unit_id == Unit.id)
            .where(in_values(TeamMember.phone, phones), subtree_condition(Unit.path, training.unit_path))
        )
    )
    strangers = [p for p in phones if p not in members]
    if strangers:
        message = _("Not members of a team in this area: %(phones)s.", phones=", ".join(strangers))
        raise InvalidInput(message, {"phones": [message]})
    present = {a.phone for a in training.attendance}
    for phone in phones:
        if phone not in present:
            training.attendance.append(TrainingAttendance(phone=phone, recorded_by_id=scope.user.id))
    db.session.flush()
    return training


def list_trainings(scope: Scope, unit_code: str, first: date | None, last: date | None) -> list[Training]:
    """Trainings held in the unit's area, newest first (at most 500: narrow with `from` and `to`)."""
    unit = readable_unit(scope, unit_code)
    stmt = (
        select(Training)
        .where(subtree_condition(Training.unit_path, unit.path))
        .order_by(Training.held_on.desc(), Training.id)
        .limit(500)
    )
    if first:
        stmt = stmt.where(Training.held_on >= first)
    if last:
        stmt = stmt.where(Training.held_on <= last)
    return list(db.session.scalars(stmt).unique())


def skills_of(phones: list[str]) -> dict[str, list[str]]:
    """Per phone: services trained on, plus services helped with successfully often enough."""
    if not phones:
        return {}
    skills: dict[str, set] = defaultdict(set)
    for phone, services in db.session.execute(
        select(TrainingAttendance.phone, Training.services)
        .join(Training)
        .where(in_values(TrainingAttendance.phone, phones))
    ):
        skills[phone].update(services or [])
    users = dict(db.session.execute(select(User.id, User.phone).where(in_values(User.phone, phones))).all())
    if users:
        minimum = current_criteria().skill_min_successes
        successes = func.sum(EmulationTally.successes)
        for member_id, service in db.session.execute(
            select(EmulationTally.member_id, EmulationTally.service)
            .where(in_values(EmulationTally.member_id, list(users)), EmulationTally.service != ALL_SERVICES)
            .group_by(EmulationTally.member_id, EmulationTally.service)
            .having(successes >= minimum)
        ):
            skills[users[member_id]].add(service)
    return {phone: sorted(found) for phone, found in skills.items()}
