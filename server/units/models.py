from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import BinaryString, UTCDateTime, utcnow

LEVELS = ("nation", "province", "district", "commune", "village", "group")
ROOT_CODE = "VN"


class Unit(db.Model):
    """A node of the administrative tree.

    `path` lists the codes from the root ("/VN/01/00004/"), so "this unit and everything
    under it" is one index range scan and needs no recursive query."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint("population IS NULL OR population >= 0", name="population_not_negative"),
        CheckConstraint("households IS NULL OR households >= 0", name="households_not_negative"),
        Index("ix_units_parent_id_search_name", "parent_id", "search_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(String(200), index=True)
    level: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    path: Mapped[str] = mapped_column(BinaryString(400), unique=True)
    depth: Mapped[int]
    official: Mapped[bool] = mapped_column(default=False)
    population: Mapped[int | None]
    households: Mapped[int | None]
    abolished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"
