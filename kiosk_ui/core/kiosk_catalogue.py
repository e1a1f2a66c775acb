"""The kiosk's copy of the PUBLIC procedure catalogue: parsing the server's JSON, offline search, cache text.

Only public data lives here (fields, procedures, services, priorities, counters); it is what the
kiosk caches on disk so that browsing works while the server is unreachable.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk_ui.core.forms import FieldDef, parse_fields
from motcua.contract.tickets import DEFAULT_PRIORITIES, PriorityCategory
from motcua.domain.vntext import fold

__all__ = [
    "CACHE_VERSION",
    "DEFAULT_PRIORITIES",
    "Catalogue",
    "CounterInfo",
    "FieldInfo",
    "ProcedureDetail",
    "ProcedureSummary",
    "ServiceInfo",
    "fold",
]

CACHE_VERSION = 1


def _s(raw: Mapping[str, Any], key: str, default: str = "") -> str:
    value = raw.get(key)
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else default


def _bi(raw: Mapping[str, Any], key: str) -> tuple[str, str]:
    vi = _s(raw, f"{key}_vi")
    return vi, _s(raw, f"{key}_en", vi)


@dataclass(frozen=True)
class FieldInfo:
    """A lĩnh vực to browse by."""

    code: str
    name_vi: str
    name_en: str
    icon: str = ""
    count: int = 0

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> FieldInfo:
        """From one item of ``GET /fields``."""
        name_vi, name_en = _bi(raw, "name")
        count = raw.get("procedures")
        return cls(_s(raw, "code"), name_vi, name_en, _s(raw, "icon"), count if isinstance(count, int) else 0)


@dataclass(frozen=True)
class ProcedureSummary:
    """A procedure as a list shows it."""

    code: str
    name_vi: str
    name_en: str
    field: str
    service: str
    on_the_spot: bool
    processing_time_vi: str = ""
    processing_time_en: str = ""
    fee_vi: str = ""
    fee_en: str = ""
    authority_vi: str = ""
    authority_en: str = ""
    has_form: bool = False
    keywords: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ProcedureSummary:
        """From one item of ``GET /procedures`` (or the head of ``GET /procedures/{code}``)."""
        name_vi, name_en = _bi(raw, "name")
        ptime = _bi(raw, "processing_time")
        fee = _bi(raw, "fee")
        authority = _bi(raw, "authority")
        keywords = raw.get("keywords") or []
        has_form = raw.get("has_form")
        if has_form is None:
            has_form = bool(raw.get("form"))
        return cls(
            code=_s(raw, "code"),
            name_vi=name_vi,
            name_en=name_en,
            field=_s(raw, "field"),
            service=_s(raw, "service"),
            on_the_spot=bool(raw.get("on_the_spot")),
            processing_time_vi=ptime[0],
            processing_time_en=ptime[1],
            fee_vi=fee[0],
            fee_en=fee[1],
            authority_vi=authority[0],
            authority_en=authority[1],
            has_form=bool(has_form),
            keywords=tuple(unicodedata.normalize("NFC", k) for k in keywords if isinstance(k, str)),
        )

    def name(self, lang: str) -> str:
        """The name in ``lang``."""
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class ProcedureDetail:
    """A procedure page: the summary, what to bring, and its form definition."""

    summary: ProcedureSummary
    documents: tuple[tuple[str, str], ...] = ()
    form: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ProcedureDetail:
        """From ``GET /procedures/{code}``."""
        docs = []
        for item in raw.get("documents") or []:
            if isinstance(item, Mapping):
                vi = _s(item, "vi")
                docs.append((vi, _s(item, "en", vi)))
        form = tuple(dict(f) for f in raw.get("form") or [] if isinstance(f, Mapping))
        return cls(ProcedureSummary.from_json(raw), tuple(docs), form)

    def to_json(self) -> dict[str, Any]:
        """Back to the server's shape (for the cache)."""
        s = self.summary
        return {
            "code": s.code,
            "name_vi": s.name_vi,
            "name_en": s.name_en,
            "field": s.field,
            "service": s.service,
            "on_the_spot": s.on_the_spot,
            "processing_time_vi": s.processing_time_vi,
            "processing_time_en": s.processing_time_en,
            "fee_vi": s.fee_vi,
            "fee_en": s.fee_en,
            "authority_vi": s.authority_vi,
            "authority_en": s.authority_en,
            "has_form": s.has_form,
            "keywords": list(s.keywords),
            "documents": [{"vi": vi, "en": en} for vi, en in self.documents],
            "form": [dict(f) for f in self.form],
        }

    def form_fields(self) -> tuple[FieldDef, ...]:
        """The form as FieldDefs (the server sends ``null`` for absent optional keys; dropped here)."""
        cleaned = [{k: v for k, v in f.items() if v is not None} for f in self.form]
        return parse_fields(cleaned)


@dataclass(frozen=True)
class ServiceInfo:
    """A queue service (what a ticket is for)."""

    code: str
    letter: str
    name_vi: str
    name_en: str
    active: bool = True

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ServiceInfo:
        """From one item of ``GET /services``."""
        name_vi, name_en = _bi(raw, "name")
        return cls(_s(raw, "code"), _s(raw, "letter"), name_vi, name_en, raw.get("active") is not False)

    def name(self, lang: str) -> str:
        """The name in ``lang``."""
        return self.name_en if lang == "en" else self.name_vi


def _priority(raw: Mapping[str, Any]) -> PriorityCategory:
    """From one item of ``GET /priorities`` (the contract's ``PriorityPublic``)."""
    name_vi, name_en = _bi(raw, "name")
    return PriorityCategory(_s(raw, "code"), name_vi, name_en)


@dataclass(frozen=True)
class CounterInfo:
    """A counter and the services it serves (where to go)."""

    id: str
    area_vi: str
    area_en: str
    services: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> CounterInfo:
        """From one item of ``GET /counters``."""
        area_vi, area_en = _bi(raw, "area")
        if not area_vi:
            area_vi, area_en = _bi(raw, "name")
        services = tuple(s for s in raw.get("services") or [] if isinstance(s, str))
        return cls(_s(raw, "id"), area_vi, area_en, services)


@dataclass
class Catalogue:
    """Everything public the kiosk shows; ``from_cache`` is True when it was loaded from disk."""

    fields: tuple[FieldInfo, ...] = ()
    procedures: tuple[ProcedureSummary, ...] = ()
    details: dict[str, ProcedureDetail] = field(default_factory=dict)
    services: tuple[ServiceInfo, ...] = ()
    priorities: tuple[PriorityCategory, ...] = DEFAULT_PRIORITIES
    counters: tuple[CounterInfo, ...] = ()
    fetched_at: str = ""
    from_cache: bool = False

    def kiosk_priorities(self) -> tuple[PriorityCategory, ...]:
        """The categories a citizen picks at the kiosk: those the server serves, the contract's when none came."""
        return self.priorities or DEFAULT_PRIORITIES

    def priority(self, code: str | None) -> PriorityCategory | None:
        """The priority named ``code``."""
        return next((p for p in self.priorities if p.code == code), None)

    def service(self, code: str | None) -> ServiceInfo | None:
        """The service named ``code``."""
        return next((s for s in self.services if s.code == code), None)

    def field_info(self, code: str | None) -> FieldInfo | None:
        """The field named ``code``."""
        return next((f for f in self.fields if f.code == code), None)

    def active_services(self) -> tuple[ServiceInfo, ...]:
        """Services a ticket can be taken for."""
        return tuple(s for s in self.services if s.active)

    def in_field(self, code: str) -> tuple[ProcedureSummary, ...]:
        """The procedures of one field, in catalogue order."""
        return tuple(p for p in self.procedures if p.field == code)

    def summary(self, code: str) -> ProcedureSummary | None:
        """The summary of one procedure."""
        detail = self.details.get(code)
        if detail is not None:
            return detail.summary
        return next((p for p in self.procedures if p.code == code), None)

    def where_to_go(self, service: str, lang: str) -> str:
        """The counter areas that serve ``service``, e.g. "Quầy 1 – Tầng 1, Quầy 2 – Tầng 1"."""
        areas = [c.area_en if lang == "en" else c.area_vi for c in self.counters if service in c.services]
        return ", ".join(areas)

    def search(self, query: str, limit: int = 20) -> list[ProcedureSummary]:
        """Offline search: every word of the query (diacritics ignored) in the name or keywords."""
        words = fold(query).split()
        if not words:
            return list(self.procedures[:limit])
        scored: list[tuple[int, int, ProcedureSummary]] = []
        for index, proc in enumerate(self.procedures):
            name = fold(f"{proc.name_vi} {proc.name_en}")
            keys = fold(" ".join(proc.keywords))
            if all(w in name or w in keys for w in words):
                score = sum(2 if w in name else 1 for w in words) + (3 if fold(query) in name else 0)
                scored.append((-score, index, proc))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [p for _, _, p in scored[:limit]]

    def to_json_text(self) -> str:
        """The cache file's text (public data only)."""
        body = {
            "version": CACHE_VERSION,
            "fetched_at": self.fetched_at,
            "fields": [
                {"code": f.code, "name_vi": f.name_vi, "name_en": f.name_en, "icon": f.icon, "procedures": f.count}
                for f in self.fields
            ],
            "procedures": [
                {
                    "code": p.code,
                    "name_vi": p.name_vi,
                    "name_en": p.name_en,
                    "field": p.field,
                    "service": p.service,
                    "on_the_spot": p.on_the_spot,
                    "processing_time_vi": p.processing_time_vi,
                    "processing_time_en": p.processing_time_en,
                    "fee_vi": p.fee_vi,
                    "fee_en": p.fee_en,
                    "authority_vi": p.authority_vi,
                    "authority_en": p.authority_en,
                    "has_form": p.has_form,
                    "keywords": list(p.keywords),
                }
                for p in self.procedures
            ],
            "details": {code: d.to_json() for code, d in sorted(self.details.items())},
            "services": [
                {"code": s.code, "letter": s.letter, "name_vi": s.name_vi, "name_en": s.name_en, "active": s.active}
                for s in self.services
            ],
            "priorities": [{"code": p.code, "name_vi": p.name_vi, "name_en": p.name_en} for p in self.priorities],
            "counters": [
                {"id": c.id, "area_vi": c.area_vi, "area_en": c.area_en, "services": list(c.services)}
                for c in self.counters
            ],
        }
        return json.dumps(body, ensure_ascii=False, indent=1)

    @classmethod
    def from_json_text(cls, text: str) -> Catalogue:
        """Read the cache file's text; ValueError if it is not a cache of this version."""
        body = json.loads(text)
        if not isinstance(body, dict) or body.get("version") != CACHE_VERSION:
            raise ValueError("catalogue cache has another version")
        return cls.from_parts(
            fields=body.get("fields") or [],
            procedures=body.get("procedures") or [],
            details=(body.get("details") or {}).values(),
            services=body.get("services") or [],
            priorities=body.get("priorities") or [],
            counters=body.get("counters") or [],
            fetched_at=str(body.get("fetched_at") or ""),
            from_cache=True,
        )

    @classmethod
    def from_parts(
        cls,
        *,
        fields: Iterable[Mapping[str, Any]],
        procedures: Iterable[Mapping[str, Any]],
        details: Iterable[Mapping[str, Any]] = (),
        services: Iterable[Mapping[str, Any]] = (),
        priorities: Iterable[Mapping[str, Any]] = (),
        counters: Iterable[Mapping[str, Any]] = (),
        fetched_at: str = "",
        from_cache: bool = False,
    ) -> Catalogue:
        """Build from the server's JSON lists."""
        parsed_details = {d.summary.code: d for d in (ProcedureDetail.from_json(raw) for raw in details)}
        parsed_priorities = tuple(_priority(p) for p in priorities)
        return cls(
            fields=tuple(FieldInfo.from_json(f) for f in fields),
            procedures=tuple(ProcedureSummary.from_json(p) for p in procedures),
            details=parsed_details,
            services=tuple(ServiceInfo.from_json(s) for s in services),
            priorities=parsed_priorities or DEFAULT_PRIORITIES,
            counters=tuple(CounterInfo.from_json(c) for c in counters),
            fetched_at=fetched_at,
            from_cache=from_cache,
        )
