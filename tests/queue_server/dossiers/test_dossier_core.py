"""The dossier state machine, exhaustively: every status × action, random walks, the checklist rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.contract.dossiers import DOSSIER_STATUSES, TERMINAL_STATUSES
from queue_server.core import dossier as core
from queue_server.core.catalogue import Document, derive_document
from queue_server.core.errors import DomainError

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
CHECKLIST = (
    Document("Tờ khai (theo mẫu)", "Form", "TOKHAI", True, "original", 1),
    Document("Giấy chứng sinh", "Birth certificate", "CHUNGSINH", True, "original", 1),
    Document("Căn cước (xuất trình)", "ID (shown)", "CCCD", True, "shown", 1),
    Document("Giấy ủy quyền (nếu có)", "Power of attorney (if any)", "UYQUYEN", False, "original", 1),
)
ALL_TICKED = (("CCCD", 1), ("CHUNGSINH", 1), ("TOKHAI", 1))

# Written out independently of core.TRANSITIONS: the life of a dossier.
EXPECTED: dict[str, set[str]] = {
    "receive": {"prepared", "draft"},
    "forward": {"received", "supplemented"},
    "request_supplement": {"received", "forwarded", "supplemented"},
    "supplement": {"supplement_requested"},
    "result_ready": {"forwarded", "supplemented"},  # + received for on-the-spot procedures
    "return_result": {"result_ready"},
    "cancel": {"prepared", "draft", "received", "forwarded", "supplement_requested", "supplemented"},
    "refuse": {"received", "forwarded", "supplement_requested", "supplemented"},
}
TARGET = {
    "receive": "received",
    "forward": "forwarded",
    "request_supplement": "supplement_requested",
    "supplement": "supplemented",
    "result_ready": "result_ready",
    "return_result": "returned",
    "cancel": "cancelled",
    "refuse": "refused",
}


def dossier(status: str, *, on_the_spot: bool = False, ticks=ALL_TICKED) -> core.Dossier:
    return core.Dossier("d1", "HT-KS-01", status, "kiosk", T0, on_the_spot=on_the_spot, department="HT", ticks=ticks)


def act(d: core.Dossier, action: str, now: datetime = T0) -> core.Dossier:
    return core.apply(
        d,
        action,
        CHECKLIST,
        now,
        staff_id="NV01",
        reason="lý do",
        kinds=("CHUNGSINH",),
        code="S-261130-0001",
        due=now + timedelta(days=3),
    )


@pytest.mark.parametrize("on_the_spot", [False, True])
@pytest.mark.parametrize("status", DOSSIER_STATUSES)
@pytest.mark.parametrize("action", core.ACTIONS)
def test_every_status_and_action(status: str, action: str, on_the_spot: bool):
    allowed = set(EXPECTED[action])
    if action == "result_ready" and on_the_spot:
        allowed.add("received")
    d = dossier(status, on_the_spot=on_the_spot)
    if status in allowed:
        moved = act(d, action)
        assert moved.status == TARGET[action]
        assert moved.history[-1].status == TARGET[action] and moved.history[-1].staff_id == "NV01"
    else:
        with pytest.raises(DomainError) as err:
            act(d, action)
        assert err.value.status in (409,) and err.value.message_vi and err.value.message_en
        if action == "receive" and status not in ("cancelled", "refused"):
            assert err.value.code == "already_received"


def test_terminal_statuses_absorb_everything():
    for status in TERMINAL_STATUSES:
        for action in core.ACTIONS:
            with pytest.raises(DomainError):
                act(dossier(status, on_the_spot=True), action)


def test_a_missing_required_paper_blocks_receive_but_an_optional_one_does_not():
    d = dossier("prepared", ticks=(("CCCD", 1), ("TOKHAI", 1)))
    with pytest.raises(DomainError) as err:
        act(d, "receive")
    assert err.value.code == "missing_papers" and "Giấy chứng sinh" in err.value.message_vi
    assert "Birth certificate" in err.value.message_en
    ok = act(core.tick(d, CHECKLIST, {"CHUNGSINH": 1}), "receive")
    assert ok.status == "received" and "UYQUYEN" not in ok.received_kinds


def test_supplement_unticks_the_kinds_asked_for_until_they_come_back():
    d = act(act(dossier("prepared"), "receive"), "forward")
    asked = act(d, "request_supplement")
    assert "CHUNGSINH" not in asked.received_kinds and asked.supplements == 1 and asked.reason == "lý do"
    with pytest.raises(DomainError) as err:
        act(asked, "supplement")
    assert err.value.code == "missing_papers"
    back = act(core.tick(asked, CHECKLIST, {"CHUNGSINH": 1}), "supplement")
    assert back.status == "supplemented" and back.reason is None


def test_on_the_spot_same_visit_and_others_must_be_forwarded():
    quick = act(act(act(dossier("prepared", on_the_spot=True), "receive"), "result_ready"), "return_result")
    assert quick.status == "returned" and quick.returned_at == T0
    with pytest.raises(DomainError) as err:
        act(act(dossier("prepared"), "receive"), "result_ready")
    assert err.value.code == "not_forwarded"


def test_ticks_refuse_unknown_kinds_and_frozen_dossiers():
    with pytest.raises(DomainError) as err:
        core.tick(dossier("draft"), CHECKLIST, {"NOPE": 1})
    assert err.value.status == 422
    with pytest.raises(DomainError) as err:
        core.tick(dossier("received"), CHECKLIST, {"TOKHAI": 1})
    assert err.value.code == "not_editable"


def test_late_only_while_open_and_past_due():
    received = act(dossier("prepared"), "receive")
    assert received.due_at is not None
    assert not core.is_late(received, received.due_at)
    assert core.is_late(received, received.due_at + timedelta(seconds=1))
    done = act(act(received, "forward"), "result_ready", received.due_at + timedelta(days=1))
    assert not core.is_late(done, done.due_at + timedelta(days=9))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from((*core.ACTIONS, "tick")), max_size=25), st.booleans())
def test_random_walks_keep_the_invariants(actions: list[str], on_the_spot: bool):
    d = dossier("prepared", on_the_spot=on_the_spot)
    now = T0
    code = None
    for action in actions:
        now += timedelta(minutes=5)
        before = d
        try:
            d = core.tick(d, CHECKLIST, {"CHUNGSINH": 1}) if action == "tick" else act(d, action, now)
        except DomainError:
            assert d == before  # a refused action changes nothing
            continue
        if code is not None:
            assert d.code == code  # a dossier code never changes once given
        if d.code is not None:
            code = d.code
        if before.status in TERMINAL_STATUSES:
            pytest.fail("a terminal dossier moved")
        assert len(d.history) >= len(before.history)
    if d.status in ("received", "forwarded", "result_ready", "returned", "supplemented", "supplement_requested"):
        assert d.code is not None and d.received_at is not None and d.due_at is not None
    if d.result_ready_at is not None:
        assert d.received_at is not None and d.received_at <= d.result_ready_at
    assert [h.status for h in d.history] == [h.status for h in d.history if h.status in DOSSIER_STATUSES]


def test_derived_checklist_rule_from_the_legal_wording():
    shown = derive_document("Thẻ căn cước công dân (xuất trình)", "ID card (shown)", 4)
    assert (shown.kind, shown.required, shown.presentation) == ("CCCD", True, "shown")
    optional = derive_document("Giấy chứng nhận kết hôn của cha, mẹ (xuất trình, nếu có)", "x", 3)
    assert (optional.required, optional.presentation) == (False, "shown")
    conditional = derive_document("Văn bản ủy quyền có chứng thực (nếu nộp thay theo ủy quyền)", "x", 5)
    assert (conditional.kind, conditional.required) == ("UYQUYEN", False)
    copy = derive_document("Bản sao Giấy khai sinh (02 bản)", "x", 2)
    assert (copy.kind, copy.presentation, copy.count) == ("KHAISINH", "copy", 2)
    other = derive_document("Văn bản cam đoan về việc chưa đăng ký khai sinh", "x", 3)
    assert (other.kind, other.required, other.presentation) == ("D3", True, "original")
    assert derive_document("Tờ khai (theo mẫu)", "x", 7, frozenset({"TOKHAI"})).kind == "TOKHAI7"
    assert replace(other, count=3).count == 3


def test_copies_count_and_an_optional_paper_asked_for_by_the_department():
    two = (*CHECKLIST[:1], Document("Bản sao (02 bản)", "Copies (2)", "BANSAO", True, "copy", 2), *CHECKLIST[2:])
    d = dossier("prepared", ticks=(("BANSAO", 1), ("CCCD", 1), ("TOKHAI", 1)))
    assert [m.kind for m in core.missing_required(d, two)] == ["BANSAO"]  # 1 of 2 copies
    assert core.missing_required(core.tick(d, two, {"BANSAO": 2}), two) == ()
    received = act(act(dossier("prepared"), "receive"), "forward")
    asked = core.request_supplement(received, CHECKLIST, T0, staff_id="P1", reason="cần ủy quyền", kinds=["UYQUYEN"])
    assert [m.kind for m in core.missing_required(asked, CHECKLIST)] == ["UYQUYEN"]  # optional, but asked for
    with pytest.raises(DomainError):
        core.supplement(asked, CHECKLIST, T0, staff_id="NV01")
    back = core.supplement(core.tick(asked, CHECKLIST, {"UYQUYEN": 1}), CHECKLIST, T0, staff_id="NV01")
    assert back.requested == () and back.status == "supplemented"
