"""How a form is cut into screens: a few fields per screen, as few screens as possible, whole sections kept.

A birth registration has 17 fields; one per screen made it 17 steps. Here the fields, in catalogue
order, go onto pages of at most :data:`FIELDS_PER_PAGE`, with the fewest pages that allows, and among
those the cut that splits the fewest sections (the child, the father, the declarant...) and mixes the
fewest sections on one page. A section is the prefix of a person's field (``father_`` in
``father_full_name``); fields without one (``phone``, ``purpose``) belong to the form itself.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["FIELDS_PER_PAGE", "PERSON_FIELDS", "group_pages", "screens_for", "section_of"]

FIELDS_PER_PAGE = 4
PERSON_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "id_number",
    "address",
    "residence",
    "place_of_birth",
    "home_town",
    "ethnicity",
    "nationality",
    "relationship",
    "marriage_number",
)
_PAGE_COST = 1000  # a page more costs more than any cut: fewest screens first
_SPLIT_COST = 10  # a section split across two pages
_MIX_COST = 1  # one more section on a page


def section_of(name: str) -> str:
    """The person a field is about (``father`` for ``father_id_number``); '' for the form's own fields."""
    for attr in PERSON_FIELDS:
        if name == attr:
            return ""
        if name.endswith(f"_{attr}"):
            return name[: -len(attr) - 1]
    return ""


def group_pages(names: Sequence[str], per_page: int = FIELDS_PER_PAGE) -> tuple[tuple[int, ...], ...]:
    """The pages of a form as tuples of field indexes (every field once, in order)."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    n = len(names)
    sections = [section_of(name) for name in names]
    best: list[tuple[int, int]] = [(0, 0)] + [(1 << 30, 0)] * n  # (cost, start of the last page) per prefix
    for end in range(1, n + 1):
        for size in range(1, min(per_page, end) + 1):
            start = end - size
            cost = best[start][0] + _PAGE_COST + _MIX_COST * (len(set(sections[start:end])) - 1)
            if start > 0 and sections[start - 1] == sections[start]:
                cost += _SPLIT_COST
            if cost < best[end][0]:
                best[end] = (cost, start)
    pages: list[tuple[int, ...]] = []
    end = n
    while end > 0:
        start = best[end][1]
        pages.append(tuple(range(start, end)))
        end = start
    return tuple(reversed(pages))


def screens_for(names: Sequence[str], per_page: int = FIELDS_PER_PAGE) -> int:
    """Screens a citizen goes through to fill in a form: its pages and the review."""
    return len(group_pages(names, per_page)) + 1
