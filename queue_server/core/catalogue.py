"""The procedure catalogue: frozen dataclasses and a validating parser for its JSON form."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from motcua.domain.vntext import nfc

__all__ = [
    "FORMAT_VERSION",
    "FORM_FIELD_TYPES",
    "LEVELS",
    "PREFILL_SOURCES",
    "PRESENTATIONS",
    "PROCEDURE_KEYS",
    "RESULT_KIND",
    "Catalogue",
    "CatalogueError",
    "CatalogueField",
    "Choice",
    "Document",
    "FormField",
    "Procedure",
    "Service",
    "derive_document",
    "parse_catalogue",
]

FORMAT_VERSION = 1
LEVELS: tuple[str, ...] = ("province", "district", "commune")
FORM_FIELD_TYPES: frozenset[str] = frozenset({"text", "date", "choice", "phone", "id_number", "email", "number"})
# Which field of the citizen's ID card (CCCD) QR code may pre-fill a form field.
PREFILL_SOURCES: frozenset[str] = frozenset(
    {"id_number", "old_id_number", "full_name", "date_of_birth", "sex", "address", "issue_date"}
)
PROCEDURE_KEYS: tuple[str, ...] = (
    "code",
    "name_vi",
    "name_en",
    "field",
    "level",
    "authority_vi",
    "authority_en",
    "service",
    "processing_time_vi",
    "processing_time_en",
    "processing_days",
    "fee_vi",
    "fee_en",
    "documents",
    "on_the_spot",
    "keywords",
    "form",
)
_OPTIONAL_PROCEDURE_KEYS = frozenset({"national_code", "department"})
_DOCUMENT_KEYS = frozenset({"vi", "en"})
_OPTIONAL_DOCUMENT_KEYS = frozenset({"kind", "required", "presentation", "count"})
_KIND_RE = re.compile(r"[A-Z][A-Z0-9_]{0,23}")
# Kinds named from the text of the paper (first match wins); every other paper is D<position>.
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("tờ khai", "TOKHAI"),
    ("đơn ", "DON"),
    ("phiếu yêu cầu", "PHIEU"),
    ("căn cước", "CCCD"),
    ("hộ chiếu", "HOCHIEU"),
    ("văn bản ủy quyền", "UYQUYEN"),
    ("giấy ủy quyền", "UYQUYEN"),
    ("giấy chứng sinh", "CHUNGSINH"),
    ("giấy chứng nhận kết hôn", "KETHON"),
    ("giấy khai sinh", "KHAISINH"),
    ("giấy báo tử", "BAOTU"),
    ("giấy khám sức khỏe", "SUCKHOE"),
    ("ảnh", "ANH"),
)
RESULT_KIND = "KETQUA"  # the digitised result of a dossier, attached by the department
_FORM_FIELD_KEYS = frozenset({"name", "label_vi", "label_en", "type", "required"})
_OPTIONAL_FORM_FIELD_KEYS = frozenset({"choices", "prefill", "max_length", "help_vi", "help_en"})
_TOP_KEYS = frozenset({"services", "fields", "procedures"})
_OPTIONAL_TOP_KEYS = frozenset({"format", "updated", "note_vi", "note_en"})
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")


class CatalogueError(ValueError):
    """Bad catalogue data; the message names the item (procedure code) and the field."""

    def __init__(self, message: str, *, item: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.item = item
        self.field = field


@dataclasses.dataclass(frozen=True, slots=True)
class Service:
    """A queue (service) of the site: tickets are numbered with its letter."""

    code: str
    letter: str
    name_vi: str
    name_en: str


@dataclasses.dataclass(frozen=True, slots=True)
class CatalogueField:
    """A field (lĩnh vực) that groups procedures on the kiosk's browse screen."""

    code: str
    name_vi: str
    name_en: str
    icon: str


PRESENTATIONS: tuple[str, ...] = ("original", "copy", "shown")


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """One paper of the dossier (thành phần hồ sơ) and how the desk checks it.

    ``kind`` types the digitised paper; ``required`` papers must be ticked before a dossier can be received;
    ``presentation`` is ``original`` (bản chính kept), ``copy`` (bản sao) or ``shown`` (xuất trình: the clerk
    checks it and hands it back); ``count`` is the number of copies. Entries of the JSON without these keys
    get them from :func:`derive_document` (the rule is written there).
    """

    vi: str
    en: str
    kind: str = ""
    required: bool = True
    presentation: str = "original"
    count: int = 1


@dataclasses.dataclass(frozen=True, slots=True)
class Choice:
    """One option of a `choice` form field."""

    value: str
    label_vi: str
    label_en: str


@dataclasses.dataclass(frozen=True, slots=True)
class FormField:
    """One input the kiosk collects for a procedure."""

    name: str
    label_vi: str
    label_en: str
    type: str
    required: bool
    choices: tuple[Choice, ...] = ()
    prefill: str | None = None
    max_length: int | None = None
    help_vi: str | None = None
    help_en: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính) as the kiosk shows it."""

    code: str
    name_vi: str
    name_en: str
    field: str
    level: tuple[str, ...]
    authority_vi: str
    authority_en: str
    service: str
    processing_time_vi: str
    processing_time_en: str
    processing_days: float
    fee_vi: str
    fee_en: str
    documents: tuple[Document, ...]
    on_the_spot: bool
    keywords: tuple[str, ...]
    form: tuple[FormField, ...]
    national_code: str | None = None
    department: str | None = None  # the competent department's code; None: the procedure's service

    @property
    def department_code(self) -> str:
        """Where a received dossier is forwarded: ``department`` or else the service code."""
        return self.department or self.service


@dataclasses.dataclass(frozen=True, slots=True)
class Catalogue:
    """Services, fields and procedures of a site, in display order."""

    services: tuple[Service, ...]
    fields: tuple[CatalogueField, ...]
    procedures: tuple[Procedure, ...]
    updated: str | None = None

    def get_procedure(self, code: str) -> Procedure | None:
        """The procedure with this code, or None."""
        return next((p for p in self.procedures if p.code == code), None)

    def get_service(self, code: str) -> Service | None:
        """The service (queue) with this code, or None."""
        return next((s for s in self.services if s.code == code), None)

    def get_field(self, code: str) -> CatalogueField | None:
        """The field (lĩnh vực) with this code, or None."""
        return next((f for f in self.fields if f.code == code), None)

    def procedures_in_field(self, code: str) -> tuple[Procedure, ...]:
        """Procedures of one field, in catalogue order."""
        return tuple(p for p in self.procedures if p.field == code)

    def procedures_for_service(self, code: str) -> tuple[Procedure, ...]:
        """Procedures whose tickets go to one service (queue), in catalogue order."""
        return tuple(p for p in self.procedures if p.service == code)


# ---------------------------------------------------------------------------------------------
# Parsing. `where` names the item ("procedure HT-KS-01", "service HT", ...) for error messages.


def _fail(where: str, key: str, problem: str, item: str | None) -> CatalogueError:
    return CatalogueError(f"{where}, field {key!r}: {problem}", item=item, field=key)


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CatalogueError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _check_keys(
    obj: Mapping[str, Any],
    required: Sequence[str] | frozenset[str],
    optional: frozenset[str],
    where: str,
    item: str | None,
) -> None:
    for key in sorted(required):
        if key not in obj:
            raise _fail(where, key, "missing", item)
    for key in obj:
        if key not in required and key not in optional and not str(key).startswith("x_"):
            raise _fail(where, str(key), "unknown key (extensions must start with 'x_')", item)


def _text(obj: Mapping[str, Any], key: str, where: str, item: str | None) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, "must be a non-empty string", item)
    return nfc(value.strip())


def _opt_text(obj: Mapping[str, Any], key: str, where: str, item: str | None) -> str | None:
    return None if obj.get(key) is None else _text(obj, key, where, item)


def _list(obj: Mapping[str, Any], key: str, where: str, item: str | None) -> list[Any]:
    value = obj.get(key)
    if not isinstance(value, list):
        raise _fail(where, key, "must be a list", item)
    return value


def _bool(obj: Mapping[str, Any], key: str, where: str, item: str | None) -> bool:
    value = obj.get(key)
    if not isinstance(value, bool):
        raise _fail(where, key, "must be true or false", item)
    return value


def _code(obj: Mapping[str, Any], key: str, where: str, item: str | None) -> str:
    value = _text(obj, key, where, item)
    if not _CODE_RE.fullmatch(value):
        raise _fail(where, key, f"{value!r} is not a code (letters, digits, '.', '_', '-')", item)
    return value


def _parse_service(raw: object, index: int) -> Service:
    obj = _mapping(raw, f"services[{index}]")
    where = f"service {obj.get('code', f'#{index}')}"
    _check_keys(obj, ("code", "letter", "name_vi", "name_en"), frozenset(), where, None)
    code = _code(obj, "code", where, None)
    letter = _text(obj, "letter", where, code)
    if len(letter) != 1 or not ("A" <= letter <= "Z"):
        raise _fail(where, "letter", f"{letter!r} must be one capital letter A-Z", code)
    return Service(code, letter, _text(obj, "name_vi", where, code), _text(obj, "name_en", where, code))


def _parse_field(raw: object, index: int) -> CatalogueField:
    obj = _mapping(raw, f"fields[{index}]")
    where = f"field {obj.get('code', f'#{index}')}"
    _check_keys(obj, ("code", "name_vi", "name_en", "icon"), frozenset(), where, None)
    code = _code(obj, "code", where, None)
    return CatalogueField(
        code,
        _text(obj, "name_vi", where, code),
        _text(obj, "name_en", where, code),
        _text(obj, "icon", where, code),
    )


def _parse_choice(raw: object, where: str, item: str) -> Choice:
    obj = _mapping(raw, f"{where}, choice")
    _check_keys(obj, ("value", "label_vi", "label_en"), frozenset(), f"{where} choice", item)
    return Choice(
        _text(obj, "value", where, item),
        _text(obj, "label_vi", where, item),
        _text(obj, "label_en", where, item),
    )


def _parse_form_field(raw: object, where: str, item: str) -> FormField:
    obj = _mapping(raw, f"{where}, form field")
    name = obj.get("name")
    at = f"{where}, form field {name!r}"
    _check_keys(obj, _FORM_FIELD_KEYS, _OPTIONAL_FORM_FIELD_KEYS, at, item)
    name = _text(obj, "name", at, item)
    if not _NAME_RE.fullmatch(name):
        raise _fail(at, "name", "must be snake_case ASCII", item)
    kind = _text(obj, "type", at, item)
    if kind not in FORM_FIELD_TYPES:
        raise _fail(at, "type", f"unknown field type {kind!r} (one of {sorted(FORM_FIELD_TYPES)})", item)
    choices: tuple[Choice, ...] = ()
    if kind == "choice":
        choices = tuple(_parse_choice(c, at, item) for c in _list(obj, "choices", at, item))
        if not choices:
            raise _fail(at, "choices", "a choice field needs at least one choice", item)
        values = [c.value for c in choices]
        if len(set(values)) != len(values):
            raise _fail(at, "choices", "duplicate choice values", item)
    elif "choices" in obj:
        raise _fail(at, "choices", f"only a 'choice' field has choices, this one is {kind!r}", item)
    prefill = _opt_text(obj, "prefill", at, item)
    if prefill is not None and prefill not in PREFILL_SOURCES:
        raise _fail(at, "prefill", f"unknown ID-card field {prefill!r} (one of {sorted(PREFILL_SOURCES)})", item)
    max_length = obj.get("max_length")
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1):
        raise _fail(at, "max_length", "must be a positive integer", item)
    return FormField(
        name=name,
        label_vi=_text(obj, "label_vi", at, item),
        label_en=_text(obj, "label_en", at, item),
        type=kind,
        required=_bool(obj, "required", at, item),
        choices=choices,
        prefill=prefill,
        max_length=max_length,
        help_vi=_opt_text(obj, "help_vi", at, item),
        help_en=_opt_text(obj, "help_en", at, item),
    )


def _parse_procedure(raw: object, index: int, services: frozenset[str], fields: frozenset[str]) -> Procedure:
    obj = _mapping(raw, f"procedures[{index}]")
    raw_code = obj.get("code")
    item = raw_code if isinstance(raw_code, str) else f"#{index}"
    where = f"procedure {item}"
    _check_keys(obj, PROCEDURE_KEYS, _OPTIONAL_PROCEDURE_KEYS, where, item)
    code = _code(obj, "code", where, item)

    field = _text(obj, "field", where, code)
    if field not in fields:
        raise _fail(where, "field", f"unknown field {field!r}", code)
    service = _text(obj, "service", where, code)
    if service not in services:
        raise _fail(where, "service", f"unknown service {service!r}", code)

    levels = _list(obj, "level", where, code)
    if not levels or any(lv not in LEVELS for lv in levels) or len(set(levels)) != len(levels):
        raise _fail(where, "level", f"must be a non-empty list of distinct levels from {list(LEVELS)}", code)

    days = obj.get("processing_days")
    if isinstance(days, bool) or not isinstance(days, int | float) or not math.isfinite(days) or days < 0:
        raise _fail(where, "processing_days", "must be a number >= 0 (0 = same day)", code)

    documents: list[Document] = []
    for position, doc in enumerate(_list(obj, "documents", where, code), start=1):
        parsed = _parse_document(doc, position, frozenset(x.kind for x in documents), where, code)
        if parsed.kind in {x.kind for x in documents}:
            raise _fail(where, "documents", f"two papers share the kind {parsed.kind!r}", code)
        documents.append(parsed)

    keywords: list[str] = []
    for kw in _list(obj, "keywords", where, code):
        if not isinstance(kw, str) or not kw.strip():
            raise _fail(where, "keywords", "every keyword must be a non-empty string", code)
        keywords.append(nfc(kw.strip()))

    form = tuple(_parse_form_field(f, where, code) for f in _list(obj, "form", where, code))
    names = [f.name for f in form]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise _fail(where, "form", f"duplicate form field names {dupes}", code)

    return Procedure(
        code=code,
        name_vi=_text(obj, "name_vi", where, code),
        name_en=_text(obj, "name_en", where, code),
        field=field,
        level=tuple(levels),
        authority_vi=_text(obj, "authority_vi", where, code),
        authority_en=_text(obj, "authority_en", where, code),
        service=service,
        processing_time_vi=_text(obj, "processing_time_vi", where, code),
        processing_time_en=_text(obj, "processing_time_en", where, code),
        processing_days=float(days),
        fee_vi=_text(obj, "fee_vi", where, code),
        fee_en=_text(obj, "fee_en", where, code),
        documents=tuple(documents),
        on_the_spot=_bool(obj, "on_the_spot", where, code),
        keywords=tuple(keywords),
        form=form,
        national_code=_opt_text(obj, "national_code", where, code),
        department=_opt_text(obj, "department", where, code),
    )


def derive_document(vi: str, en: str, position: int, taken: frozenset[str] = frozenset()) -> Document:
    """Checklist defaults for a ``{"vi", "en"}`` entry that does not say them itself.

    The rule, from the Vietnamese text (the legal wording of thành phần hồ sơ):

    - ``presentation``: ``shown`` when it says "(xuất trình…)"; ``copy`` when it starts with "Bản sao" or
      says "(bản sao)"; otherwise ``original``.
    - ``required``: false when a parenthesis starts with or contains "nếu" ("(nếu có)", "(nếu nộp thay theo
      ủy quyền)", "(xuất trình, nếu có)"): a conditional paper the clerk ticks only when it applies; every
      other paper is required.
    - ``count``: "(02 bản)" / "02 bản" gives 2; otherwise 1.
    - ``kind``: the code of the first word the text starts with (after "Bản sao", "Bản chính", "Thẻ"):
      TOKHAI, DON, CCCD, UYQUYEN, …; else ``D`` and the 1-based position; a code already taken in the
      procedure gets the position appended. Kinds are stable while the list's order is: a centre that
      reorders papers gives them explicit ``kind`` keys.
    """
    low = vi.lower()
    parens = [m.strip() for m in re.findall(r"\(([^)]*)\)", low)]
    if any(p.startswith("xuất trình") for p in parens):
        presentation = "shown"
    elif low.startswith("bản sao") or "bản sao" in parens:
        presentation = "copy"
    else:
        presentation = "original"
    required = not any(p.startswith("nếu") or ", nếu" in p or "; nếu" in p for p in parens)
    counted = re.search(r"\b0*(\d{1,2}) bản\b", low)
    count = int(counted.group(1)) if counted and int(counted.group(1)) > 0 else 1
    head = re.sub(r"^(bản sao|bản chính|thẻ|\d+)\s+", "", low)
    kind = next((code for word, code in _KIND_WORDS if head.startswith(word)), f"D{position}")
    if kind in taken:
        kind = f"{kind}{position}"
    return Document(vi, en, kind, required, presentation, count)


def _parse_document(raw: object, position: int, taken: frozenset[str], where: str, item: str) -> Document:
    d = _mapping(raw, f"{where}, documents")
    _check_keys(d, _DOCUMENT_KEYS, _OPTIONAL_DOCUMENT_KEYS, f"{where}, document", item)
    base = derive_document(_text(d, "vi", where, item), _text(d, "en", where, item), position, taken)
    kind = base.kind if d.get("kind") is None else _text(d, "kind", where, item)
    if not _KIND_RE.fullmatch(kind) or kind == RESULT_KIND:
        raise _fail(where, "documents", f"kind {kind!r} must be A-Z, 0-9, _ (max 24) and not {RESULT_KIND}", item)
    required = base.required if d.get("required") is None else _bool(d, "required", where, item)
    presentation = base.presentation if d.get("presentation") is None else _text(d, "presentation", where, item)
    if presentation not in PRESENTATIONS:
        raise _fail(where, "documents", f"presentation {presentation!r} not one of {list(PRESENTATIONS)}", item)
    count = d.get("count", base.count)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 99:
        raise _fail(where, "documents", "count must be an integer 1-99", item)
    return Document(base.vi, base.en, kind, required, presentation, count)


def _unique(codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise CatalogueError(f"{what} {code}, field 'code': duplicate code {code!r}", item=code, field="code")
        seen.add(code)


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Validate catalogue JSON (already decoded) and build a `Catalogue`; raise `CatalogueError`."""
    top = _mapping(data, "catalogue")
    _check_keys(top, _TOP_KEYS, _OPTIONAL_TOP_KEYS, "catalogue", None)
    version = top.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise _fail("catalogue", "format", f"unsupported format {version!r}, expected {FORMAT_VERSION}", None)

    services = tuple(_parse_service(s, i) for i, s in enumerate(_list(top, "services", "catalogue", None)))
    _unique([s.code for s in services], "service")
    letters = [s.letter for s in services]
    if len(set(letters)) != len(letters):
        raise _fail("catalogue", "services", "two services share a ticket letter", None)

    fields = tuple(_parse_field(f, i) for i, f in enumerate(_list(top, "fields", "catalogue", None)))
    _unique([f.code for f in fields], "field")

    service_codes = frozenset(s.code for s in services)
    field_codes = frozenset(f.code for f in fields)
    procedures = tuple(
        _parse_procedure(p, i, service_codes, field_codes)
        for i, p in enumerate(_list(top, "procedures", "catalogue", None))
    )
    _unique([p.code for p in procedures], "procedure")
    return Catalogue(
        services=services,
        fields=fields,
        procedures=procedures,
        updated=_opt_text(top, "updated", "catalogue", None),
    )
