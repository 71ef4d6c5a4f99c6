"""Tree paths and the SQL condition for "this unit and everything under it"."""

from sqlalchemy import and_, false, or_

SEPARATOR = "/"


def child_path(parent_path: str, code: str) -> str:
    return f"{parent_path}{code}{SEPARATOR}"


def root_path(code: str) -> str:
    return f"{SEPARATOR}{code}{SEPARATOR}"


def codes_of(path: str) -> list[str]:
    """The codes along a path, root first: "/VN/08/00715/" gives ["VN", "08", "00715"]."""
    return path.strip(SEPARATOR).split(SEPARATOR)


def lineage(path: str) -> list[tuple[str, str]]:
    """(code, path) of the unit at `path` and of each unit above it, root first."""
    codes = codes_of(path)
    return [(codes[i], SEPARATOR + SEPARATOR.join(codes[: i + 1]) + SEPARATOR) for i in range(len(codes))]


def is_within(path: str | None, prefixes) -> bool:
    """Whether the unit at `path` lies in one of the subtrees at `prefixes` (the check in Python)."""
    return path is not None and any(path.startswith(prefix) for prefix in prefixes)


def subtree_condition(path_column, prefix: str):
    """path in [prefix, prefix-with-last-"/"-bumped): every path that starts with prefix.

    A range instead of LIKE so that SQLite and PostgreSQL (C collation) both use the index."""
    upper = prefix[:-1] + chr(ord(SEPARATOR) + 1)
    return and_(path_column >= prefix, path_column < upper)


def any_subtree_condition(path_column, prefixes):
    """Deny by default: no prefixes, no rows."""
    prefixes = _outermost(prefixes)
    if not prefixes:
        return false()
    return or_(*(subtree_condition(path_column, prefix) for prefix in prefixes))


def _outermost(prefixes) -> list[str]:
    """Drop prefixes already covered by an ancestor prefix, to keep the SQL short."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(outer) for outer in kept):
            kept.append(prefix)
    return kept
