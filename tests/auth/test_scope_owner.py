"""server/auth/scope.py is the only owner of authorization: services ask it, they never decide alone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    path
    for folder in ("server", "mobile_api")
    for path in (ROOT / folder).rglob("*.py")
    if path != ROOT / "server" / "auth" / "scope.py"
]

# A role name tested against a scope's grants, or "view or work" rebuilt instead of Ability.READ.
ROLE_CHECK = re.compile(r"\bg\.role\s*(==|!=|in\b)")
HAND_MADE_READ = re.compile(r"Ability\.VIEW.*Ability\.WORK|Ability\.WORK.*Ability\.VIEW")


def test_no_module_checks_role_names_of_the_callers_grants():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE_CHECK.search(line)
    ]
    assert found == []


def test_no_module_rebuilds_the_read_ability():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HAND_MADE_READ.search(line)
    ]
    assert found == []


def test_read_is_view_or_work_for_every_role():
    from server.auth.scope import MEMBER_ABILITIES, ROLE_ABILITIES, Ability

    for abilities in (*ROLE_ABILITIES.values(), MEMBER_ABILITIES):
        assert (Ability.READ in abilities) == bool({Ability.VIEW, Ability.WORK} & abilities)
