"""How a villager who cannot sign in reaches help: the team's public phone and the commune office."""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..units.models import Unit
from ..units.services import ancestors_of
from .models import Team


@dataclass
class PublicContact:
    team: str | None
    team_phone: str | None
    commune: str | None  # the commune whose office (one-stop desk) can also file a request


def nearest_team(unit: Unit) -> Team | None:
    """The team of the village, else of its commune (or any unit above)."""
    chain = [*ancestors_of(unit), unit]
    return db.session.scalar(
        select(Team)
        .join(Unit)
        .where(Team.unit_id.in_([u.id for u in chain]))
        .order_by(Unit.depth.desc(), Team.id)
        .limit(1)
    )


def public_contact(unit: Unit) -> PublicContact:
    team = nearest_team(unit)
    commune = next((u for u in [unit, *reversed(ancestors_of(unit))] if u.level == "commune"), None)
    return PublicContact(
        team.name if team else None, team.public_phone if team else None, commune.name if commune else None
    )
