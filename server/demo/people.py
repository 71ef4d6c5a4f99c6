"""The demo's people: who the seed creates, and whom the dashboard's development sign-in offers.

The dashboard does not import this package: the demo registers `dev_sign_in_people` under the
`toso.dev_sign_in` entry point group (setup.cfg), which the sign-in page reads in emulator mode."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPerson:
    phone: str
    name: str
    role: str
    unit: str  # a unit code, or a village name for team members
    team: str | None = None


DEMO_PEOPLE = (
    DemoPerson("+84912000000", "Quản trị viên demo", "admin", "VN"),
    DemoPerson("+84912000001", "Nguyễn Thị Lan", "monitor", "08"),
    DemoPerson("+84912000002", "Sùng Mí Páo", "team_leader", "00715"),
    DemoPerson("+84912000003", "Lò Thị Hoa", "member", "00715", "Tổ công nghệ số thôn Lô Lô Chải"),
    DemoPerson("+84912000004", "Vàng Văn Chứ", "member", "00715", "Tổ công nghệ số xã Lũng Cú"),
    DemoPerson("+84912000005", "Hoàng Văn Thắng", "team_leader", "00769"),
    DemoPerson("+84912000006", "Thào Thị Dợ", "member", "00769", "Tổ công nghệ số xã Mèo Vạc"),
    DemoPerson("+84912000009", "Lầu Mí Sính", "resident", "-"),
)


def dev_sign_in_people() -> list[DemoPerson]:
    """The people the development dashboard may mint emulator tokens for."""
    return list(DEMO_PEOPLE)
