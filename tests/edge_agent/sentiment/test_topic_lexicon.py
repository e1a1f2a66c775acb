"""The lexicons moved to data files (topics.tsv, abbreviations.tsv) without changing a single output.

The expectations below were printed by the code as it was before the move, when the tables were Python
literals in ``edge_agent/core/sentiment.py``; the model was trained on this normaliser's output.
"""

from __future__ import annotations

import importlib.resources

import pytest

from edge_agent.core.sentiment import NORMALIZER_VERSION, TOPICS, detect_topics, normalize_text

TOPICS_BEFORE = [
    ("Nhân viên rất nhiệt tình, làm nhanh gọn, cảm ơn nhiều!", ("waiting_time", "staff_attitude")),
    ("nhan vien rat nhiet tinh, lam nhanh gon, cam on nhieu", ("waiting_time", "staff_attitude")),
    ("Chờ 3 tiếng, cán bộ cáu gắt, quá tệ 😡", ("waiting_time", "staff_attitude")),
    ("cho 3 tieng, can bo cau gat, qua te", ("waiting_time", "staff_attitude")),
    ("nv thai do ko tot, bat dan cho ca buoi", ("waiting_time", "staff_attitude")),
    ("Máy lấy số bị treo, phải chờ lâu", ("waiting_time", "kiosk_technology")),
    ("Thủ tục rườm rà, đi lại nhiều lần", ("procedure_paperwork",)),
    ("Cho hỏi làm giấy khai sinh cần mang những giấy tờ gì?", ("procedure_paperwork",)),
    ("Nhà vệ sinh bẩn, thiếu ghế ngồi, nóng bức", ("facilities",)),
    ("Cán bộ đòi bồi dưỡng mới làm nhanh, tiêu cực quá", ("waiting_time", "staff_attitude", "fees_corruption")),
    ("Lệ phí công chứng bao nhiêu tiền vậy?", ("procedure_paperwork", "fees_corruption")),
    ("Phải đợi hơn 40 phút mới tới lượt", ("waiting_time",)),
    ("chờ hai tiếng đồng hồ", ("waiting_time",)),
    ("Bình thường", ()),
    ("Rất hài lòng", ()),
    ("Great service, the staff were very helpful 👍", ("staff_attitude",)),
    ("Terrible, the clerk was rude and slow", ("waiting_time", "staff_attitude")),
    ("The kiosk printer crashed and we waited 2 hours", ("waiting_time", "kiosk_technology")),
    ("Fees are too high, corruption everywhere", ("fees_corruption",)),
    ("ko dc hướng dẫn, mất cả buổi sáng :((", ("waiting_time",)),
    ("Bị quát vì hỏi lại, thái độ hách dịch", ("staff_attitude",)),
    ("Cổng dịch vụ công trực tuyến bị lỗi, không đăng nhập được VNeID", ("kiosk_technology",)),
    ("wifi yếu, màn hình cảm ứng không chạy", ("kiosk_technology",)),
    ("chỗ để xe chật, không có mái che", ("facilities",)),
    ("Quạt trần không chạy, điều hoà hỏng", ("facilities",)),
    ("Chờ cho đến trưa mới được gọi số", ("waiting_time",)),
    ("Hồ sơ đất đai bị trễ hẹn 2 tuần", ("waiting_time", "procedure_paperwork")),
    ("Cảm ơn chị ở quầy số 3 đã giải thích rõ ràng ^^", ("staff_attitude",)),
    ("tks nv :)", ("staff_attitude",)),
    ("quáaaaa chậmmmm!!!!", ()),
    ("Sạch sẽ, rộng rãi, thoáng mát", ("facilities",)),
    ("Phí dịch vụ cao, phải trả thêm tiền mặt không có biên lai", ("fees_corruption",)),
    ("Làm xong trong 10 phút, nhanh thật", ("waiting_time",)),
    ("Nộp hồ sơ online qua app rất tiện", ("procedure_paperwork", "kiosk_technology")),
    ("Hệ thống bị lỗi, mất mạng cả sáng", ("waiting_time", "kiosk_technology")),
    ("Chỗ ngồi chờ không đủ, người già phải đứng", ("waiting_time", "facilities")),
    ("Lại phải bổ sung giấy tờ, khai lại tờ khai", ("procedure_paperwork",)),
    ("Không có ý kiến", ()),
    ("", ()),
    ("👍👍👍", ()),
]

NORMALISED_BEFORE = [
    ("Nhân viên rất nhiệt tình, làm nhanh gọn, cảm ơn nhiều!", "nhân viên rất nhiệt tình làm nhanh gọn cảm ơn nhiều !"),
    ("nhan vien rat nhiet tinh, lam nhanh gon, cam on nhieu", "nhan vien rat nhiet tinh lam nhanh gon cam on nhieu"),
    ("Chờ 3 tiếng, cán bộ cáu gắt, quá tệ 😡", "chờ 3 tiếng cán bộ cáu gắt quá tệ emoneg"),
    ("cho 3 tieng, can bo cau gat, qua te", "cho 3 tieng can bo cau gat qua te"),
    ("nv thai do ko tot, bat dan cho ca buoi", "nhân viên thai do không tot bat dan cho ca buoi"),
    ("Máy lấy số bị treo, phải chờ lâu", "máy lấy số bị treo phải chờ lâu"),
    ("Thủ tục rườm rà, đi lại nhiều lần", "thủ tục rườm rà đi lại nhiều lần"),
    ("Cho hỏi làm giấy khai sinh cần mang những giấy tờ gì?", "cho hỏi làm giấy khai sinh cần mang những giấy tờ gì ?"),
    ("Nhà vệ sinh bẩn, thiếu ghế ngồi, nóng bức", "nhà vệ sinh bẩn thiếu ghế ngồi nóng bức"),
    ("Cán bộ đòi bồi dưỡng mới làm nhanh, tiêu cực quá", "cán bộ đòi bồi dưỡng mới làm nhanh tiêu cực quá"),
    ("Lệ phí công chứng bao nhiêu tiền vậy?", "lệ phí công chứng bao nhiêu tiền vậy ?"),
    ("Phải đợi hơn 40 phút mới tới lượt", "phải đợi hơn 40 phút mới tới lượt"),
    ("chờ hai tiếng đồng hồ", "chờ hai tiếng đồng hồ"),
    ("Bình thường", "bình thường"),
    ("Rất hài lòng", "rất hài lòng"),
    ("Great service, the staff were very helpful 👍", "great service the staff were very helpful emopos"),
    ("Terrible, the clerk was rude and slow", "terrible the clerk was rude and slow"),
    ("The kiosk printer crashed and we waited 2 hours", "the kiosk printer crashed and we waited 2 hours"),
    ("Fees are too high, corruption everywhere", "fees are too high corruption everywhere"),
    ("ko dc hướng dẫn, mất cả buổi sáng :((", "không được hướng dẫn mất cả buổi sáng emoneg"),
    ("Bị quát vì hỏi lại, thái độ hách dịch", "bị quát vì hỏi lại thái độ hách dịch"),
    (
        "Cổng dịch vụ công trực tuyến bị lỗi, không đăng nhập được VNeID",
        "cổng dịch vụ công trực tuyến bị lỗi không đăng nhập được vneid",
    ),
    ("wifi yếu, màn hình cảm ứng không chạy", "wifi yếu màn hình cảm ứng không chạy"),
    ("chỗ để xe chật, không có mái che", "chỗ để xe chật không có mái che"),
    ("Quạt trần không chạy, điều hoà hỏng", "quạt trần không chạy điều hoà hỏng"),
    ("Chờ cho đến trưa mới được gọi số", "chờ cho đến trưa mới được gọi số"),
    ("Hồ sơ đất đai bị trễ hẹn 2 tuần", "hồ sơ đất đai bị trễ hẹn 2 tuần"),
    ("Cảm ơn chị ở quầy số 3 đã giải thích rõ ràng ^^", "cảm ơn chị ở quầy số 3 đã giải thích rõ ràng emopos"),
    ("tks nv :)", "cảm ơn nhân viên emopos"),
    ("quáaaaa chậmmmm!!!!", "quáaa chậmm ! !"),
    ("Sạch sẽ, rộng rãi, thoáng mát", "sạch sẽ rộng rãi thoáng mát"),
    (
        "Phí dịch vụ cao, phải trả thêm tiền mặt không có biên lai",
        "phí dịch vụ cao phải trả thêm tiền mặt không có biên lai",
    ),
    ("Làm xong trong 10 phút, nhanh thật", "làm xong trong 10 phút nhanh thật"),
    ("Nộp hồ sơ online qua app rất tiện", "nộp hồ sơ online qua app rất tiện"),
    ("Hệ thống bị lỗi, mất mạng cả sáng", "hệ thống bị lỗi mất mạng cả sáng"),
    ("Chỗ ngồi chờ không đủ, người già phải đứng", "chỗ ngồi chờ không đủ người già phải đứng"),
    ("Lại phải bổ sung giấy tờ, khai lại tờ khai", "lại phải bổ sung giấy tờ khai lại tờ khai"),
    ("Không có ý kiến", "không có ý kiến"),
    ("", ""),
    ("👍👍👍", "emopos emopos emopos"),
]


@pytest.mark.parametrize(("text", "topics"), TOPICS_BEFORE)
def test_detect_topics_is_unchanged(text: str, topics: tuple[str, ...]) -> None:
    assert detect_topics(text) == topics


@pytest.mark.parametrize(("text", "normalised"), NORMALISED_BEFORE)
def test_normalize_text_is_unchanged(text: str, normalised: str) -> None:
    assert normalize_text(text) == normalised


def test_normaliser_version_and_topic_order_are_unchanged() -> None:
    assert NORMALIZER_VERSION == "1"
    assert TOPICS == (
        "waiting_time",
        "staff_attitude",
        "procedure_paperwork",
        "facilities",
        "kiosk_technology",
        "fees_corruption",
    )


def test_every_topic_is_detected_by_some_sample() -> None:
    assert {topic for _, found in TOPICS_BEFORE for topic in found} == set(TOPICS)


@pytest.mark.parametrize("name", ["topics.tsv", "abbreviations.tsv"])
def test_lexicons_ship_as_package_data(name: str) -> None:
    resource = importlib.resources.files("edge_agent.core").joinpath(name)
    assert resource.is_file()
    rows = [line for line in resource.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert all(line.count("\t") == 1 for line in rows)
