"""Request and response bodies of the HTTP API (``XCreate`` in, ``XPublic`` out)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The HTTP shapes the kiosk client decodes too live in the contract.

Code = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")


class TicketCreate(BaseModel):
    """Take a ticket for a service, optionally in a priority lane."""

    model_config = ConfigDict(extra="forbid")
    service: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$", examples=["HT"])
    priority: str | None = Field(None, max_length=32, examples=[None, "elderly"])
    lang: Literal["vi", "en"] = "vi"


class TransferCreate(BaseModel):
    """Send the current citizen to another service."""

    model_config = ConfigDict(extra="forbid")
    service: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")


class SignIn(BaseModel):
    """Staff sign in at a counter."""

    model_config = ConfigDict(extra="forbid")
    staff_id: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$", examples=["NV01"])
    takeover: bool = Field(False, description="take the counter over from the clerk holding it (admin tokens only)")


class ServicePublic(BaseModel):
    """A service (queue) with its letter prefix."""

    code: str
    letter: str
    name_vi: str
    name_en: str
    default_service_min: float
    active: bool


class ServiceUpdate(BaseModel):
    """Create or change a service."""

    model_config = ConfigDict(extra="forbid")
    letter: str = Field(min_length=1, max_length=1, pattern=r"^[A-Z]$")
    name_vi: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    default_service_min: float = Field(8.0, gt=0, le=240)
    active: bool = True


class CurrentTicket(BaseModel):
    """The ticket a counter has called or serves."""

    id: str
    number: str
    service: str
    priority: str | None
    status: str
    called_at: datetime | None
    started_at: datetime | None
    recall_count: int


class CounterPublic(BaseModel):
    """A counter, its services and what it does now."""

    id: str
    name_vi: str
    name_en: str
    services: list[str]
    area_vi: str
    area_en: str
    status: str
    staff_id: str | None
    current: CurrentTicket | None


class CounterUpdate(BaseModel):
    """Create or change a counter."""

    model_config = ConfigDict(extra="forbid")
    name_vi: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    services: list[str] = Field(min_length=1, max_length=20)
    area_vi: str = Field("", max_length=120)
    area_en: str = Field("", max_length=120)


class WaitingTicket(BaseModel):
    """A waiting ticket in a queue listing."""

    id: str
    number: str
    priority: str | None
    issued_at: datetime


class ServiceQueue(BaseModel):
    """Waiting tickets of one service."""

    code: str
    letter: str
    name_vi: str
    name_en: str
    waiting: int
    priority_waiting: int
    estimated_wait_min: float | None
    tickets: list[WaitingTicket]


class TokenCreate(BaseModel):
    """Create a device or staff token."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["kiosk", "counter", "display", "feedback", "agent", "department", "admin"]
    counter_id: str | None = Field(None, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    department: str | None = Field(
        None, max_length=16, pattern=r"^[A-Za-z0-9_-]+$", description="A department token's department (service code)."
    )
    label: str = Field("", max_length=80)


class AppointmentCreate(BaseModel):
    """Book a slot for a service."""

    model_config = ConfigDict(extra="forbid")
    service: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    start: datetime
    end: datetime


class AppointmentPublic(BaseModel):
    """A booked appointment."""

    code: str
    service: str
    start: datetime
    end: datetime
    status: str
    ticket_id: str | None = None
