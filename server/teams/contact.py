"""How a villager who cannot sign in reaches help: the team's public phone and the commune office."""

from dataclasses import dataclass

from ..units.models import Unit
from ..units.services import ancestors_of


@dataclass
class PublicContact:
    team: str | None
    team_phone: str | None
    commune: str | None  # the commune whose office (one-stop desk) can also file a request


def public_contact(unit: Unit) -> PublicContact:
    from ..content.pdf import nearest_team

    team = nearest_team(unit)
    commune = next((u for u in [unit, *reversed(ancestors_of(unit))] if u.level == "commune"), None)
    return PublicContact(team.name if team else None, team.public_phone if team else None,
                         commune.name if commune else None)
