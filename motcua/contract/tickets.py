"""Tickets and priority lanes over HTTP: the shapes the server answers and the kiosk decodes.

``TicketPublic`` is the body of ``POST /api/v1/tickets`` and ``GET /api/v1/tickets/{id}``;
``PriorityPublic`` one item of ``GET /api/v1/priorities``. The server builds its OpenAPI schema from
these classes and the kiosk client validates answers with them, so the two cannot drift apart.
``DEFAULT_PRIORITIES`` are the lanes of Decision 717 (task 2.4): a site's configuration may change
them, and a kiosk that has never reached its server shows these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

__all__ = ["DEFAULT_PRIORITIES", "PriorityCategory", "PriorityPublic", "TicketPublic"]


@dataclass(frozen=True)
class PriorityCategory:
    """A priority lane (Decision 717, task 2.4)."""

    code: str
    name_vi: str
    name_en: str

    def name(self, lang: str) -> str:
        """The name in ``lang`` (Vietnamese unless ``en``)."""
        return self.name_en if lang == "en" else self.name_vi


DEFAULT_PRIORITIES: tuple[PriorityCategory, ...] = (
    PriorityCategory("elderly", "Người cao tuổi (từ 60 tuổi)", "Elderly (60+)"),
    PriorityCategory("disability", "Người khuyết tật", "Person with a disability"),
    PriorityCategory("pregnant", "Phụ nữ mang thai", "Pregnant woman"),
    PriorityCategory("young_child", "Người đi cùng trẻ dưới 6 tuổi", "With a child under 6"),
    PriorityCategory("meritorious", "Người có công với cách mạng", "Person with meritorious service"),
)


class PriorityPublic(BaseModel):
    """A priority lane."""

    code: str
    name_vi: str
    name_en: str

    def category(self) -> PriorityCategory:
        """As the frozen domain value."""
        return PriorityCategory(self.code, self.name_vi, self.name_en)


class TicketPublic(BaseModel):
    """A ticket as a citizen may see it: no personal data."""

    id: str
    number: str
    service: str
    service_name_vi: str
    service_name_en: str
    priority: str | None
    status: str
    issued_at: datetime
    day: str
    position: int | None = Field(None, description="1 = next to be called among those this service's counters call.")
    people_ahead: int | None = None
    estimated_wait_min: float | None = Field(None, description="Estimated minutes until the ticket is called.")
    estimated_wait_at_issue_min: float | None = None
    counter_id: str | None = None
    counter_name_vi: str | None = None
    counter_name_en: str | None = None
    counter_area_vi: str | None = None
    counter_area_en: str | None = None
    counters_vi: list[str] = []
    counters_en: list[str] = []
    called_at: datetime | None = None
    transferred_to: TicketPublic | None = None
    lang: str = "vi"
