"""Generate the synthetic in-domain training corpus of citizens' feedback at one-stop offices.

``python -m models.sentiment.make_corpus`` writes ``data/indomain_train.tsv`` and
``data/indomain_dev.tsv`` (``label<TAB>text``, labels as words), deterministically (seed 717).

The sentences are composed from clause banks (staff, waiting, paperwork, fees, facilities,
kiosks and online services) and then perturbed the way citizens type: diacritics dropped,
texting abbreviations ("ko", "nv", "đc", "tks"), mixed case, emoji, short English.  The held-out
test split ``data/indomain_test.tsv`` is hand-written and never produced here; any generated
sentence whose normalised form equals a test sentence is dropped.

Label scheme: ``positive`` / ``negative`` for clear praise / complaint; ``neutral`` for factual
statements, questions, "bình thường"-type answers, suggestions without a complaint and mixed
comments (praise and complaint of similar weight).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from edge_agent.core.sentiment import fold_diacritics, normalize_text

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 717
N_PER_LABEL = 5000
DEV_FRACTION = 0.1

PROCS = [
    "cấp căn cước",
    "làm căn cước cho con",
    "khai sinh cho con",
    "đăng ký kết hôn",
    "chứng thực bản sao",
    "sang tên sổ đỏ",
    "đăng ký kinh doanh",
    "giấy phép xây dựng",
    "đăng ký thường trú",
    "đăng ký tạm trú",
    "xác nhận tình trạng hôn nhân",
    "đổi giấy phép lái xe",
    "trích lục hộ tịch",
    "chuyển mục đích sử dụng đất",
    "hồ sơ bảo hiểm xã hội",
    "cấp phiếu lý lịch tư pháp",
    "khai tử cho ông",
    "tách thửa đất",
    "đăng ký biến động đất đai",
    "cấp lại sổ hộ nghèo",
    "hồ sơ trợ cấp người có công",
    "công chứng hợp đồng",
]
STAFF = [
    "nhân viên",
    "cán bộ",
    "chị ở quầy số {n}",
    "anh cán bộ tiếp nhận",
    "cô nhân viên",
    "bạn hướng dẫn",
    "cán bộ một cửa",
    "công chức quầy {n}",
    "anh ở quầy tư pháp",
    "chị bên quầy đất đai",
    "các anh chị",
    "cán bộ trả kết quả",
    "em nhân viên trẻ",
    "chú bảo vệ",
    "cán bộ quầy {n}",
    "người tiếp dân",
]
VERY = ["rất", "rất", "quá", "cực kỳ", "khá", "thật sự", "vô cùng", "siêu", ""]

POS = {
    "staff": [
        "{s} {v} nhiệt tình",
        "{s} hướng dẫn {v} tận tình",
        "{s} niềm nở, lịch sự",
        "{s} thân thiện và chu đáo",
        "{s} giải thích rõ ràng, dễ hiểu",
        "{s} làm việc {v} chuyên nghiệp",
        "{s} {v} kiên nhẫn với người già",
        "{s} vui vẻ hỗ trợ mình",
        "{s} nói năng nhẹ nhàng",
        "{s} tư vấn {v} cẩn thận",
        "{s} {v} tận tâm",
        "{s} chỉ dẫn từng bước cho tôi",
        "{s} hỗ trợ điền tờ khai giúp bà cụ",
        "{s} lễ phép, tôn trọng dân",
        "được {s} giúp đỡ {v} nhiệt tình",
        "{s} dễ thương ghê",
        "{s} phục vụ {v} chu đáo",
    ],
    "wait": [
        "chờ chưa tới {m} phút là xong",
        "không phải chờ lâu",
        "được gọi số {v} nhanh",
        "làm {v} nhanh gọn",
        "xử lý hồ sơ nhanh chóng",
        "trả kết quả đúng hẹn",
        "có kết quả sớm hơn hẹn",
        "xong ngay trong buổi sáng",
        "lấy số xong vài phút là tới lượt",
        "ít người nên làm rất nhanh",
        "giải quyết nhanh hơn tôi nghĩ",
        "đặt lịch hẹn trước nên tới là được làm luôn",
        "không phải xếp hàng",
    ],
    "paper": [
        "thủ tục {v} đơn giản",
        "hồ sơ được tiếp nhận ngay",
        "giấy tờ yêu cầu rõ ràng",
        "biểu mẫu dễ điền",
        "chỉ cần mang căn cước là đủ",
        "không phải photo nhiều giấy tờ",
        "được nhận kết quả tại chỗ",
        "được báo trước cần bổ sung gì nên đi một lần là xong",
        "quy trình minh bạch, dễ theo dõi",
        "hồ sơ đầy đủ là giải quyết luôn",
        "trả kết quả qua bưu điện tiện lắm",
    ],
    "fee": [
        "lệ phí công khai rõ ràng",
        "không phải mất thêm đồng nào",
        "thu đúng phí niêm yết",
        "có biên lai đầy đủ",
        "được miễn phí",
        "không có tiêu cực gì",
        "không ai đòi bồi dưỡng",
        "phí {v} hợp lý",
        "thanh toán chuyển khoản tiện",
        "minh bạch, không nhũng nhiễu",
    ],
    "facility": [
        "phòng chờ sạch sẽ, thoáng mát",
        "có điều hòa mát",
        "đủ ghế ngồi",
        "nhà vệ sinh sạch",
        "có nước uống miễn phí",
        "bãi gửi xe rộng rãi",
        "có lối đi cho xe lăn",
        "trụ sở khang trang",
        "có góc chơi cho trẻ em",
        "có chỗ ưu tiên cho người già và phụ nữ có thai",
        "biển chỉ dẫn rõ ràng",
    ],
    "kiosk": [
        "máy lấy số dễ dùng",
        "kiosk hướng dẫn rõ ràng",
        "màn hình gọi số dễ nhìn",
        "nộp hồ sơ trực tuyến tiện lợi",
        "quét mã QR là ra thông tin",
        "in phiếu nhanh",
        "loa gọi số rõ",
        "tra cứu hồ sơ online rất tiện",
        "cổng dịch vụ công dễ dùng",
        "máy tự điền thông tin từ căn cước, đỡ phải viết",
    ],
    "overall": [
        "{v} hài lòng",
        "cảm ơn trung tâm",
        "dịch vụ tốt",
        "sẽ giới thiệu cho người quen",
        "10 điểm",
        "tuyệt vời",
        "hài lòng với cách phục vụ",
        "trải nghiệm {v} tốt",
        "cảm ơn các anh chị nhiều",
        "đáng khen",
        "làm việc như vậy dân rất quý",
        "quá ổn",
        "ưng ý",
        "tốt hơn hẳn trước đây",
    ],
}
NEG = {
    "staff": [
        "{s} thái độ {v} khó chịu",
        "{s} cáu gắt với dân",
        "{s} quát tháo người dân",
        "{s} {v} hách dịch",
        "{s} không thèm nhìn mặt",
        "{s} nói trống không",
        "{s} làm việc riêng trong giờ",
        "{s} bấm điện thoại suốt",
        "{s} vắng mặt khỏi quầy",
        "{s} thờ ơ",
        "{s} trả lời cộc lốc",
        "{s} coi thường người già",
        "{s} đùn đẩy trách nhiệm",
        "{s} hướng dẫn qua loa",
        "{s} không giải thích gì",
        "{s} không nhiệt tình",
        "{s} chẳng hướng dẫn gì",
        "{s} {v} thiếu chuyên nghiệp",
        "{s} nói chuyện riêng mặc dân chờ",
        "bị {s} mắng",
        "{s} lên giọng dạy đời",
        "{s} đi ăn sáng để dân ngồi chờ",
    ],
    "wait": [
        "phải chờ hơn {h} tiếng",
        "xếp hàng từ sáng đến trưa",
        "chờ cả buổi mà chưa tới lượt",
        "đợi mãi không thấy gọi số",
        "trễ hẹn {d} ngày vẫn chưa có kết quả",
        "xử lý {v} chậm",
        "đông mà chỉ mở {k} quầy",
        "mất cả ngày công",
        "ngồi chờ mỏi lưng",
        "chờ {v} lâu",
        "hẹn đi hẹn lại mãi",
        "lấy số từ {t} giờ mà gần trưa mới tới",
        "chen lấn, không ai sắp xếp",
        "người quen thì được làm trước, dân thường phải chờ",
    ],
    "paper": [
        "thủ tục {v} rườm rà",
        "bắt bổ sung giấy tờ nhiều lần",
        "đi lại {k} lần vẫn chưa xong",
        "hồ sơ bị trả về không rõ lý do",
        "yêu cầu giấy tờ không cần thiết",
        "mỗi người nói một kiểu",
        "biểu mẫu khó hiểu",
        "nộp rồi mà bị thất lạc hồ sơ",
        "giấy tờ nhà nước đã có mà vẫn bắt nộp lại",
        "hướng dẫn sai nên phải khai lại",
        "không có danh sách giấy tờ cần mang",
        "thủ tục lằng nhằng",
    ],
    "fee": [
        "bị gợi ý bồi dưỡng",
        "phải đưa tiền mới được làm nhanh",
        "thu thêm phí ngoài quy định",
        "có cò mồi lộng hành ngay cổng",
        "nộp tiền mà không có biên lai",
        "phí {v} cao",
        "nhũng nhiễu đòi tiền cà phê",
        "vòi vĩnh người dân",
        "muốn nhanh thì phải có phong bì",
        "thu tiền gửi xe vô lý",
    ],
    "facility": [
        "nhà vệ sinh bẩn và hôi",
        "phòng chờ nóng, không bật điều hòa",
        "thiếu ghế, phải đứng",
        "bãi xe chật chội",
        "không có chỗ đỗ ô tô",
        "thang máy hỏng",
        "biển chỉ dẫn khó tìm",
        "ồn ào {v}",
        "nhà vệ sinh khóa cửa",
        "không có nước uống",
        "phòng chờ chật, ngột ngạt",
        "mưa dột ở sảnh",
    ],
    "kiosk": [
        "máy lấy số bị treo",
        "máy in hết giấy không in được phiếu",
        "màn hình cảm ứng không nhạy",
        "cổng dịch vụ công lỗi không đăng nhập được",
        "hệ thống mất mạng cả buổi",
        "loa gọi nhỏ không nghe thấy",
        "kiosk chữ nhỏ, người già không biết dùng",
        "quét QR không được",
        "nộp online rồi vẫn phải lên nộp giấy",
        "web dịch vụ công cứ báo lỗi",
        "máy tính ở quầy chạy {v} chậm",
        "màn hình gọi số bị tắt",
    ],
    "overall": [
        "{v} thất vọng",
        "không hài lòng chút nào",
        "tệ",
        "lần sau không muốn quay lại",
        "mất thời gian",
        "bực mình",
        "chán",
        "làm ăn kiểu gì vậy",
        "cần xem lại cách làm việc",
        "quá tệ",
        "dở tệ",
        "không chấp nhận được",
        "phục vụ kém",
        "đề nghị lãnh đạo xử lý",
    ],
}
NEU = [
    "tôi đến làm {p}",
    "hôm nay tôi nộp hồ sơ {p}",
    "tôi lấy số {n} lúc {t} giờ",
    "đã nhận kết quả {p}",
    "tôi làm {p} giúp bố mẹ",
    "lần đầu tôi đi làm {p}",
    "tôi nộp hồ sơ {p} qua mạng rồi lên lấy kết quả",
    "cho hỏi {p} cần những giấy tờ gì?",
    "lệ phí {p} là bao nhiêu?",
    "mấy giờ trung tâm mở cửa?",
    "thứ bảy có làm việc không?",
    "{p} có nộp online được không?",
    "bao lâu thì có kết quả {p}?",
    "gửi xe ở đâu vậy?",
    "quầy {n} làm những thủ tục gì?",
    "làm {p} thì lấy số ở quầy nào?",
    "có cần mang bản gốc không?",
    "người nhà đi nộp thay có được không?",
    "có nhận thanh toán chuyển khoản không?",
    "bình thường",
    "tạm được",
    "cũng được",
    "không có ý kiến gì",
    "không có gì để nói",
    "ok",
    "như mọi lần",
    "không có góp ý",
    "bình thường như mọi khi",
    "chưa có nhận xét",
    "không ý kiến",
    "tạm ổn",
    "nên có thêm bảng hướng dẫn bằng tiếng Anh",
    "đề nghị bổ sung thêm ghế cho người già",
    "mong có thêm quầy vào sáng thứ hai",
    "nên có dịch vụ trả kết quả qua bưu điện",
    "nên có chức năng đặt lịch hẹn trên điện thoại",
    "đề xuất niêm yết lệ phí ở cửa ra vào",
    "nên gửi tin nhắn khi hồ sơ có kết quả",
    "mong trung tâm mở thêm buổi chiều thứ bảy",
    "tôi được hẹn {d} ngày nữa quay lại lấy kết quả",
    "hồ sơ của tôi đang được xử lý",
    "tôi đã nộp đủ giấy tờ theo hướng dẫn",
    "tôi chỉ đến hỏi thông tin",
    "tôi đi cùng mẹ",
    "mình đăng ký {p} cho công ty",
    "hôm nay đông hơn mọi hôm",
    "trời mưa nên tôi đến muộn",
    "số thứ tự của tôi là {n}",
    "tôi được chuyển sang quầy {k}",
    "tôi làm xong thì về",
]
MIXED_JOIN = ["{a} nhưng {b}", "{a}, tuy nhiên {b}", "{a}, có điều {b}", "{a} mà {b}", "tuy {a} nhưng {b}"]
EN = {
    "positive": [
        "The staff were very helpful",
        "Quick service, thank you",
        "Great service",
        "Very friendly officer",
        "Everything was fast and clear",
        "Thanks, good job",
        "The kiosk is easy to use",
        "I am very satisfied",
        "Clean and comfortable waiting room",
        "The clerk explained everything patiently",
    ],
    "negative": [
        "Waited {h} hours, terrible",
        "The clerk was rude",
        "Very slow service",
        "Too many papers, bad experience",
        "They asked me for money",
        "The toilet is dirty",
        "The machine is broken",
        "Not satisfied at all",
        "Nobody helped me",
        "The website keeps crashing",
    ],
    "neutral": [
        "How much is the fee for {pe}?",
        "I came to apply for {pe}",
        "It was ok",
        "What documents do I need?",
        "Where is counter {n}?",
        "Is it open on Saturday?",
        "No comment",
        "I submitted my application today",
        "Please add English signs",
        "Average",
    ],
}
EN_PROCS = ["a passport", "a birth certificate", "a business licence", "a residence card", "a work permit"]
# Compositional lexicon: aspect nouns x evaluative words x intensifiers x negation.
ASPECTS = [
    "thái độ phục vụ",
    "thái độ cán bộ",
    "cách làm việc",
    "cách hướng dẫn",
    "thời gian chờ",
    "thời gian xử lý",
    "tốc độ giải quyết",
    "thủ tục",
    "quy trình",
    "hồ sơ giấy tờ",
    "tờ khai",
    "lệ phí",
    "phí dịch vụ",
    "phòng chờ",
    "nhà vệ sinh",
    "bãi gửi xe",
    "chỗ ngồi",
    "trụ sở",
    "cơ sở vật chất",
    "máy lấy số",
    "kiosk",
    "màn hình",
    "máy in phiếu",
    "loa gọi số",
    "cổng dịch vụ công",
    "trang web",
    "hệ thống",
    "dịch vụ",
    "chất lượng phục vụ",
    "trung tâm",
    "bộ phận một cửa",
    "quầy tiếp nhận",
    "việc trả kết quả",
    "cách sắp xếp",
    "không khí",
    "wifi",
    "điều hòa",
    "bảo vệ",
    "cách tiếp dân",
    "kết quả",
]
POS_ADJ = [
    "tốt",
    "ổn",
    "tuyệt",
    "tuyệt vời",
    "nhanh",
    "nhanh gọn",
    "sạch sẽ",
    "gọn gàng",
    "rõ ràng",
    "chuyên nghiệp",
    "chu đáo",
    "dễ chịu",
    "tiện lợi",
    "hiện đại",
    "thuận tiện",
    "minh bạch",
    "hợp lý",
    "đơn giản",
    "dễ hiểu",
    "văn minh",
    "thân thiện",
    "xuất sắc",
    "tốt lắm",
    "ok",
    "hiệu quả",
    "khoa học",
    "nhẹ nhàng",
    "dễ dùng",
    "mát mẻ",
    "thoải mái",
    "chỉn chu",
    "đáng khen",
    "hài lòng",
    "tận tình",
    "tận tụy",
    "chuẩn",
    "ngon lành",
]
NEG_ADJ = [
    "tệ",
    "kém",
    "chậm",
    "chậm chạp",
    "bẩn",
    "lộn xộn",
    "rối",
    "khó hiểu",
    "phức tạp",
    "rườm rà",
    "nhiêu khê",
    "tắc trách",
    "thiếu chuyên nghiệp",
    "khó chịu",
    "bất tiện",
    "lạc hậu",
    "mập mờ",
    "vô lý",
    "cẩu thả",
    "cửa quyền",
    "quan liêu",
    "nóng bức",
    "chật chội",
    "ồn ào",
    "hôi",
    "lỗi",
    "hỏng",
    "tồi",
    "tồi tệ",
    "kém cỏi",
    "thất vọng",
    "bực mình",
    "chán",
    "dở",
    "lằng nhằng",
    "mất thời gian",
    "vô trách nhiệm",
    "không ra gì",
    "có vấn đề",
    "tùy tiện",
    "gây khó dễ",
    "lạnh nhạt",
    "thờ ơ",
    "cộc cằn",
]
INTENS = ["", "", "rất", "quá", "khá", "cực kỳ", "thật sự", "hết sức", "vô cùng", "thật là", "hơi"]
NEGATORS = ["không", "chưa", "chẳng", "không hề", "chưa được", "không được", "chả"]
POS_VERB = [
    "giúp đỡ tôi",
    "hỗ trợ người dân",
    "hướng dẫn kỹ",
    "chỉ bảo cẩn thận",
    "làm nhanh cho tôi",
    "trả lời lịch sự",
    "xử lý gọn",
    "giải đáp thắc mắc",
    "quan tâm người già",
    "ưu tiên người khuyết tật",
    "tiếp đón niềm nở",
    "gọi điện báo kết quả",
    "nhắc giấy tờ cần mang",
    "sửa lỗi giúp tôi",
    "điền hộ tờ khai",
    "cười nói vui vẻ",
]
NEG_VERB = [
    "gây khó dễ",
    "hạch sách",
    "làm khó dân",
    "bắt chờ",
    "lớn tiếng",
    "mắng người dân",
    "đuổi khéo",
    "phớt lờ câu hỏi",
    "trả lời nhát gừng",
    "làm sai thông tin",
    "làm mất hồ sơ",
    "đòi tiền",
    "ăn chặn",
    "ngâm hồ sơ",
    "đẩy sang quầy khác",
    "bỏ đi giữa chừng",
    "nói chuyện riêng",
    "dùng điện thoại suốt",
    "hẹn lần hẹn lữa",
    "bắt nộp thêm giấy",
    "không trả lời",
    "làm việc riêng",
    "gắt gỏng",
    "nạt nộ",
]
FEEL_POS = ["vui", "hài lòng", "yên tâm", "cảm kích", "biết ơn", "thoải mái", "ấn tượng", "phấn khởi"]
FEEL_NEG = ["bực", "bức xúc", "thất vọng", "mệt mỏi", "khó chịu", "chán nản", "ấm ức", "buồn", "tức"]
NEU_VERB = [
    "nộp",
    "lấy",
    "hỏi về",
    "nhận",
    "bổ sung",
    "ký",
    "photo",
    "xin",
    "làm lại",
    "tra cứu",
    "đăng ký",
    "gia hạn",
]
NEU_OBJ = [
    "hồ sơ",
    "kết quả",
    "tờ khai",
    "giấy hẹn",
    "bản sao",
    "giấy xác nhận",
    "số thứ tự",
    "biên lai",
    "giấy ủy quyền",
    "sổ hộ khẩu cũ",
    "giấy khai sinh",
    "hợp đồng",
    "mã hồ sơ",
    "thông tin",
]
QUESTION = [
    "cho hỏi {a} thế nào?",
    "xin hỏi {p} mất bao lâu?",
    "{p} cần mang gì ạ?",
    "{p} làm ở tầng mấy?",
    "làm {p} có mất phí không?",
    "ai phụ trách {p} vậy?",
    "nộp {o} ở quầy nào?",
    "có cần {v} {o} không?",
    "{o} để ở đâu?",
    "khi nào có {o}?",
    "làm {p} online được không ạ?",
    "tôi có phải {v} {o} không?",
    "có thể {v} {o} hộ người thân không?",
    "sáng mai mấy giờ mở cửa?",
    "có chỗ gửi xe máy không?",
    "how do I get {pe}?",
    "which counter handles {pe}?",
]
NEU_FACT = [
    "tôi {v} {o} cho {p}",
    "tôi vừa {v} {o}",
    "hôm nay {v} {o} ở quầy {n}",
    "mình đã {v} {o} xong",
    "tôi đến {v} {o}",
    "tôi đang chờ {v} {o}",
    "chiều nay tôi quay lại {v} {o}",
    "{o} của tôi đã có",
    "tôi được hẹn {d} ngày sau {v} {o}",
    "quầy {n} nhận {o}",
    "mình đi {v} {o} cho mẹ",
]
SUGGEST = [
    "nên có thêm {x}",
    "đề nghị bổ sung {x}",
    "mong trung tâm có {x}",
    "giá có {x} thì hay",
    "kiến nghị thêm {x}",
    "góp ý nên có {x}",
    "nếu được thì lắp thêm {x}",
    "trung tâm cân nhắc bố trí {x}",
]
SUGGEST_X = [
    "quầy ưu tiên",
    "ghế ngồi",
    "bảng hướng dẫn",
    "máy photo",
    "chỗ gửi xe đạp",
    "mái che",
    "hộp thư góp ý",
    "tin nhắn báo kết quả",
    "hướng dẫn bằng tiếng Anh",
    "người hỗ trợ dùng kiosk",
    "bình nước uống",
    "chức năng đặt lịch",
    "giờ làm việc thứ bảy",
    "sơ đồ các quầy",
    "ứng dụng theo dõi số thứ tự",
]
NEG_RHETORIC = [
    "sao lại {x} vậy?",
    "tại sao {x}?",
    "làm việc kiểu gì mà {x}?",
    "có ai quản lý không mà {x}?",
    "đến bao giờ mới hết cảnh {x}?",
    "ai chịu trách nhiệm việc {x}?",
]
NEG_SITUATION = [
    "để dân chờ cả buổi",
    "bắt dân đi lại nhiều lần",
    "nhân viên bỏ quầy",
    "máy lấy số hỏng mãi",
    "nhà vệ sinh bẩn thế",
    "thu tiền không có biên lai",
    "trễ hẹn hoài",
    "hồ sơ bị mất",
    "không ai hướng dẫn",
]
EN_ASPECT = ["the staff", "the service", "the waiting time", "the process", "the kiosk", "the toilet", "the officer"]
EN_POS = ["great", "good", "excellent", "fast", "helpful", "friendly", "clean", "very good", "amazing"]
EN_NEG = ["bad", "terrible", "slow", "rude", "dirty", "awful", "broken", "very bad", "unacceptable"]


def _lexical(label: str, rng: random.Random) -> str:
    """A compositional sentence: aspect + (negated) evaluation, feelings, staff actions, questions."""
    a, i = rng.choice(ASPECTS), rng.choice(INTENS)
    if label in ("positive", "negative"):
        good = label == "positive"
        same, other = (POS_ADJ, NEG_ADJ) if good else (NEG_ADJ, POS_ADJ)
        kind = rng.randrange(9)
        if kind == 0:
            return f"{a} {i} {rng.choice(same)}"
        if kind == 1:  # negated opposite: "thủ tục không rườm rà" / "cán bộ chưa nhiệt tình"
            return f"{a} {rng.choice(NEGATORS)} {rng.choice(other)}"
        if kind == 2:
            return f"{rng.choice(STAFF).format(n=rng.randint(1, 12))} {rng.choice(POS_VERB if good else NEG_VERB)}"
        if kind == 3:
            feel = rng.choice(FEEL_POS if good else FEEL_NEG)
            return f"tôi {i} {feel} vì {a} {rng.choice(same)}"
        if kind == 4:
            return f"{rng.choice(same)} {rng.choice(['quá', 'thật', 'ghê', 'lắm', 'vô cùng'])}"
        if kind == 5:
            return f"{a} {i} {rng.choice(same)}, {rng.choice(ASPECTS)} cũng {rng.choice(same)}"
        if kind == 6:
            en = rng.choice(EN_POS if good else EN_NEG)
            return f"{rng.choice(EN_ASPECT)} {rng.choice(['is', 'was'])} {en}".capitalize()
        if kind == 7 and not good:
            return rng.choice(NEG_RHETORIC).format(x=rng.choice(NEG_SITUATION))
        return f"{rng.choice(['nói chung', 'nhìn chung', 'tóm lại', 'đánh giá chung'])} {i} {rng.choice(same)}"
    kind = rng.randrange(6)
    fill = {
        "a": a,
        "p": rng.choice(PROCS),
        "o": rng.choice(NEU_OBJ),
        "v": rng.choice(NEU_VERB),
        "n": rng.randint(1, 15),
        "d": rng.choice([2, 3, 5, 7]),
        "pe": rng.choice(EN_PROCS),
        "x": rng.choice(SUGGEST_X),
    }
    if kind <= 1:
        return rng.choice(QUESTION).format(**fill)
    if kind == 2:
        return rng.choice(NEU_FACT).format(**fill)
    if kind == 3:
        return rng.choice(SUGGEST).format(**fill)
    if kind == 4:  # mixed from the lexicon
        pos = f"{rng.choice(ASPECTS)} {rng.choice(INTENS)} {rng.choice(POS_ADJ)}"
        neg = f"{rng.choice(ASPECTS)} {rng.choice(INTENS)} {rng.choice(NEG_ADJ)}"
        first, second = (pos, neg) if rng.random() < 0.5 else (neg, pos)
        return rng.choice(MIXED_JOIN).format(a=first, b=second)
    return (
        f"{a} {rng.choice(['bình thường', 'tạm được', 'cũng được', 'tàm tạm', 'như mọi nơi', 'không có gì đặc biệt'])}"
    )


# Patterns where surface words mislead: praise through negation ("không phải chờ"), complaints
# told as a story ("lấy số xong mà máy không nhả phiếu"), neutral statements that mention waiting.
BAD_THINGS = [
    "phải chờ lâu",
    "bị làm khó",
    "mất thêm đồng nào",
    "có cò mồi",
    "có tiêu cực",
    "phải đi lại nhiều lần",
    "bị hạch sách",
    "phải chen lấn",
    "phải bổ sung gì",
    "bị đẩy qua đẩy lại",
    "phải nộp lại giấy tờ",
    "có chuyện chen ngang",
    "phải xếp hàng",
    "phải xin nghỉ làm",
    "bị trễ hẹn",
    "sợ lỡ lượt",
    "phải chạy tới chạy lui",
    "phải photo thêm gì",
    "bị gây khó dễ",
    "thấy phiền hà",
    "bị đòi bồi dưỡng",
    "phải hỏi lại lần nào",
    "bị bắt viết lại",
    "phải ra ngoài photo",
    "bị ai quát",
    "phải đứng chờ",
]
NO_PREFIX = ["không", "không hề", "chẳng", "không còn", "khỏi", "chưa bao giờ", "tuyệt nhiên không"]
WHO = [
    "chị",
    "anh",
    "em",
    "các bạn",
    "trung tâm",
    "cán bộ quầy {n}",
    "bác bảo vệ",
    "chị nhân viên",
    "anh cán bộ",
    "cô ở quầy {n}",
    "các anh chị",
    "bộ phận một cửa",
    "bạn tình nguyện viên",
]
POS_DONE = [
    "hỗ trợ tôi",
    "giúp tôi điền tờ khai",
    "chỉ dẫn tận tình",
    "làm nhanh cho gia đình tôi",
    "sửa lại giúp tôi",
    "giải thích cặn kẽ",
    "gọi báo kết quả",
    "trả hồ sơ đúng hẹn",
    "giúp bố tôi",
    "chờ tôi đến muộn",
    "hướng dẫn tôi dùng máy",
    "tư vấn cho tôi",
    "xử lý hồ sơ nhanh",
    "giúp mẹ tôi lên cầu thang",
]
NEG_ACTION = [
    "lấy số",
    "nộp hồ sơ",
    "đặt lịch online",
    "bấm máy lấy số",
    "đóng phí",
    "gọi đường dây nóng",
    "đến đúng hẹn",
    "nộp trực tuyến",
    "chờ tới lượt",
    "thanh toán online",
    "bổ sung đủ giấy",
]
NEG_OUTCOME = [
    "máy không nhả phiếu",
    "không ai gọi",
    "không có tên trong danh sách",
    "bị báo chưa có kết quả",
    "không ai nghe máy",
    "bị trừ tiền hai lần",
    "bị bảo về hôm khác",
    "vẫn bị đòi thêm giấy",
    "phải chờ thêm {h} tiếng",
    "hệ thống báo lỗi",
    "quầy đóng cửa",
    "cán bộ bảo sai mẫu",
    "hồ sơ vẫn nằm im",
    "bị hẹn sang tuần sau",
    "mất hết dữ liệu",
    "không ai giải quyết",
]
NOBODY = ["hướng dẫn", "trả lời", "giải quyết", "nghe máy", "sửa máy", "để ý", "xin lỗi", "giúp", "quan tâm"]
MIXED_CONNECT = [
    "{a}, còn {b}",
    "{a}, bù lại {b}",
    "{a}, mỗi tội {b}",
    "được cái {a}, có điều {b}",
    "{a}; {b}",
    "{a}, chỉ tiếc là {b}",
    "{a} song {b}",
    "{a}, ngược lại {b}",
]
NEU_EXTRA = [
    "không nhanh không chậm",
    "không khen không chê",
    "không tốt không xấu",
    "không đông không vắng",
    "không có gì phàn nàn cũng không có gì khen",
    "chưa dùng {x} nên chưa đánh giá được",
    "không biết {p} hỏi ở đâu",
    "không rõ {p} cần gì",
    "chưa biết có kết quả chưa",
    "tôi chưa nhận được {o}",
    "tôi chờ khoảng {m} phút thì tới lượt",
    "tôi đang chờ {o}",
    "tôi chờ đến {t} giờ chiều",
    "hẹn {d} ngày làm việc",
    "cán bộ đang nghỉ trưa",
    "hôm nay {w} nên {c} người",
    "thời gian chờ khoảng {m} phút",
    "trung tâm làm việc từ 7h30 đến 17h",
    "tôi chưa rõ lắm",
    "lần sau tôi sẽ {v} {o} online",
    "nhờ trung tâm {sug}",
    "mong {sug}",
    "đề nghị {sug}",
    "nên {sug}",
    "hỏi chút: {p} nộp ở đâu?",
    "em không biết phải làm {p} thế nào",
    "không có ý kiến thêm",
    "I am here for {pe}",
    "how long does {pe} take?",
    "thanks, I will come back later",
    "where do I pay?",
]
SUGGEST_VERB = [
    "kéo dài giờ làm việc buổi chiều",
    "mở thêm quầy giờ cao điểm",
    "lắp thêm quạt",
    "gửi tin nhắn khi có kết quả",
    "bố trí người hướng dẫn ở cửa",
    "in thêm mẫu tờ khai",
    "để hộp thư góp ý ở sảnh",
    "có thêm mái che bãi xe",
    "làm việc cả sáng thứ bảy",
    "thêm chỗ ngồi cho trẻ em",
    "cập nhật danh mục thủ tục trên web",
]


PASSIVE_POS = [
    "ưu tiên",
    "hỗ trợ tận nơi",
    "trả kết quả sớm",
    "giải quyết ổn thỏa",
    "giúp đỡ nhiệt tình",
    "đối xử tôn trọng",
]
SPANS = ["ba buổi", "hai ngày", "cả tuần", "nửa tháng", "mấy lần"]


def _extra(label: str, rng: random.Random) -> str:
    """Sentences whose label goes against their surface words."""
    n, m = rng.randint(1, 12), rng.choice([5, 7, 10, 15, 20, 30])
    who = rng.choice(WHO).format(n=n)
    if label == "positive":
        kind = rng.randrange(6)
        if kind <= 1:
            text = f"{rng.choice(NO_PREFIX)} {rng.choice(BAD_THINGS)}"
            return rng.choice(
                ["{t}", "{t}, rất tốt", "{t}, hài lòng", "{t}, tiện thật", "{t} như trước", "may quá {t}"]
            ).format(t=text)
        if kind == 2:
            return rng.choice(
                [
                    "chỉ mất {m} phút",
                    "chưa tới {m} phút đã xong",
                    "chưa đầy {m} phút",
                    "xong trong {m} phút",
                    "{m} phút là có kết quả",
                    "chưa kịp ngồi nóng chỗ đã xong",
                ]
            ).format(m=m) + rng.choice(["", ", nhanh thật", ", quá nhanh", ", bất ngờ luôn"])
        if kind == 3:
            return rng.choice(
                [
                    "cảm ơn {w} đã {d}",
                    "xin cảm ơn {w} đã {d}",
                    "thanks {w} đã {d}",
                    "cảm ơn {w} nhiều vì đã {d}",
                    "biết ơn {w} đã {d}",
                ]
            ).format(w=who, d=rng.choice(POS_DONE))
        if kind == 4:
            return rng.choice(
                [
                    "{a} tốt hơn trước nhiều",
                    "{a} hơn hẳn nơi khác",
                    "đánh giá cao {a}",
                    "5 sao cho {a}",
                    "khen {w}",
                    "{a} đáng để nơi khác học hỏi",
                ]
            ).format(a=rng.choice(ASPECTS), w=who)
        return "được " + rng.choice(PASSIVE_POS)
    if label == "negative":
        kind = rng.randrange(5)
        if kind <= 1:
            return rng.choice(["{a} xong mà {o}", "{a} rồi mà {o}", "đã {a} mà {o}", "{a} xong thì {o}"]).format(
                a=rng.choice(NEG_ACTION), o=_fill(rng.choice(NEG_OUTCOME), rng).strip()
            )
        if kind == 2:
            return f"mất {rng.choice(SPANS)} chỉ để {rng.choice(NEU_VERB)} {rng.choice(NEU_OBJ)}"
        if kind == 3:
            return rng.choice(
                ["không ai {x}", "chẳng ai {x} cả", "hỏi mãi không ai {x}", "gọi mãi không ai {x}"]
            ).format(x=rng.choice(NOBODY))
        return rng.choice(
            [
                "{w} chơi game trong giờ làm",
                "{w} ngủ gật ở quầy",
                "{w} tán gẫu mặc dân chờ",
                "người già phải đứng cả tiếng",
                "dân phải ngồi bệt dưới đất",
                "sao làm {p} mà mất {d} ngày?",
            ]
        ).format(w=who, p=rng.choice(PROCS), d=rng.choice([10, 15, 20, 30]))
    kind = rng.randrange(3)
    if kind == 0:
        pos = _clauses(POS, rng, 1)[0] if rng.random() < 0.5 else f"{rng.choice(ASPECTS)} {rng.choice(POS_ADJ)}"
        neg = (
            _clauses(NEG, rng, 1)[0]
            if rng.random() < 0.5
            else f"{rng.choice(ASPECTS)} {rng.choice(['hơi', 'chưa', 'còn'])} {rng.choice(NEG_ADJ)}"
        )
        a, b = (pos, neg) if rng.random() < 0.6 else (neg, pos)
        return rng.choice(MIXED_CONNECT).format(a=a, b=b)
    return _fill(
        rng.choice(NEU_EXTRA)
        .replace("{w}", rng.choice(["mưa", "nắng to", "đầu tuần", "cuối tháng"]))
        .replace("{c}", rng.choice(["ít", "đông"]))
        .replace("{x}", rng.choice(["kiosk", "máy lấy số", "cổng dịch vụ công"]))
        .replace("{sug}", rng.choice(SUGGEST_VERB)),
        rng,
    ).strip()


OPENERS = [
    "",
    "",
    "",
    "",
    "hôm nay đi làm {p}, ",
    "mình đến làm {p}, ",
    "lần thứ hai đến đây, ",
    "sáng nay ",
    "đi làm {p} ",
    "nói thật là ",
    "góp ý: ",
    "ý kiến của tôi: ",
    "chiều nay ",
    "gia đình tôi thấy ",
]
POS_EMOJI = ["👍", "😊", "❤️", "🥰", "👏", ":)", ":D", "^^", "🙏", "😍", "<3"]
NEG_EMOJI = ["😡", "😠", "👎", "😤", ":(", ":((", "😢", "🙄", "-_-", "😞", "🤬"]
ENDINGS = ["", "", "", ".", ".", "!", "!!!", "...", " ạ", " nhé", " nha", " luôn"]
ABBREV = [
    ("không", ["ko", "k", "khong", "hok", "kg"]),
    ("được", ["dc", "đc", "đk"]),
    ("nhân viên", ["nv", "NV"]),
    ("cảm ơn", ["tks", "cam on", "thanks", "thank"]),
    ("với", ["vs"]),
    ("rồi", ["r"]),
    ("người", ["ng"]),
    ("gì", ["j"]),
    ("cán bộ", ["cb"]),
    ("hồ sơ", ["hs"]),
    ("bình thường", ["bt", "bth"]),
    ("quá", ["wa", "qá"]),
    ("nhiều", ["nhìu"]),
    ("thủ tục hành chính", ["tthc"]),
    ("thời gian", ["tg"]),
]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        s=rng.choice(STAFF).format(n=rng.randint(1, 12)),
        v=rng.choice(VERY),
        n=rng.randint(1, 60),
        m=rng.choice([5, 10, 15, 20]),
        h=rng.choice([1, 2, 3, 4, "2", "mấy"]),
        d=rng.choice([2, 3, 5, 7, 10, 15]),
        k=rng.choice([2, 3, 4]),
        t=rng.choice([6, 7, 8, 13, 14]),
        p=rng.choice(PROCS),
        pe=rng.choice(EN_PROCS),
        o=rng.choice(NEU_OBJ),
    ).replace("  ", " ")


def _clauses(bank: dict[str, list[str]], rng: random.Random, count: int) -> list[str]:
    topics = rng.sample(list(bank), k=count)
    return [_fill(rng.choice(bank[topic]), rng).strip() for topic in topics]


def _polar(label: str, rng: random.Random) -> str:
    bank = POS if label == "positive" else NEG
    count = rng.choices([1, 2, 3], weights=[5, 4, 1])[0]
    parts = _clauses(bank, rng, count)
    joiner = rng.choice([", ", ", ", " và ", ". ", ", lại còn " if label == "negative" else ", còn "])
    text = joiner.join(parts)
    if rng.random() < 0.15:  # a same-polarity contrast, so "nhưng" does not mean "neutral"
        if label == "positive":
            text = rng.choice(["tuy đông nhưng ", "dù hồ sơ phức tạp nhưng ", "tưởng phải chờ lâu nhưng "]) + text
        else:
            text = rng.choice(["đã chờ {h} tiếng nhưng ", "hẹn hôm nay nhưng ", "nộp đủ giấy tờ rồi nhưng "]) + text
            text = _fill(text, rng)
    return (_fill(rng.choice(OPENERS), rng) + text).strip()


def _neutral(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:  # mixed: one praise, one complaint
        pos = _clauses(POS, rng, 1)[0]
        neg = _clauses(NEG, rng, 1)[0]
        a, b = (pos, neg) if rng.random() < 0.5 else (neg, pos)
        return rng.choice(MIXED_JOIN).format(a=a.strip(), b=b.strip())
    text = _fill(rng.choice(NEU), rng)
    if rng.random() < 0.2:
        text = _fill(rng.choice(OPENERS), rng) + text
    return text.strip()


def _perturb(text: str, label: str, rng: random.Random) -> str:
    for word, short in ABBREV:
        if word in text and rng.random() < 0.3:
            text = text.replace(word, rng.choice(short))
    if rng.random() < 0.3:
        text = fold_diacritics(text)
    r = rng.random()
    if r < 0.55:
        text = text[:1].upper() + text[1:]
    elif r < 0.62:
        text = text.upper()
    elif r < 0.7:
        words = text.split(" ")
        i = rng.randrange(len(words))
        words[i] = words[i].upper()
        text = " ".join(words)
    text = text.rstrip(".") + rng.choice(ENDINGS) if not text.endswith("?") else text
    if label != "neutral" and rng.random() < 0.25:
        emoji = rng.choice(POS_EMOJI if label == "positive" else NEG_EMOJI)
        text = f"{text} {emoji * rng.choice([1, 1, 2, 3])}"
    return text


def generate(
    seed: int = SEED, n_per_label: int = N_PER_LABEL, exclude: set[str] | None = None
) -> list[tuple[str, str]]:
    """Return ``(label, text)`` pairs, deduplicated on the normalised text, none in ``exclude``."""
    rng = random.Random(seed)
    makers: dict[str, Callable[[], str]] = {
        "positive": lambda: _polar("positive", rng),
        "negative": lambda: _polar("negative", rng),
        "neutral": lambda: _neutral(rng),
    }
    seen = set(exclude or ())
    rows: list[tuple[str, str]] = []
    for label, make in makers.items():
        made, attempts = 0, 0
        while made < n_per_label and attempts < n_per_label * 20:
            attempts += 1
            r = rng.random()
            if r < 0.06:
                text = _fill(rng.choice(EN[label]), rng).strip()
                text = _perturb(text, label, rng) if rng.random() < 0.5 else text
            elif r < 0.3:
                text = _perturb(" ".join(_extra(label, rng).split()), label, rng)
            elif r < 0.6:
                text = " ".join(_lexical(label, rng).split())
                if rng.random() < 0.3:  # two lexical clauses of the same label
                    text = f"{text}, {' '.join(_lexical(label, rng).split())}"
                text = _perturb(text, label, rng)
            else:
                text = _perturb(make(), label, rng)
            key = normalize_text(text)
            if key and key not in seen and fold_diacritics(key) not in seen:
                seen.add(key)
                rows.append((label, text))
                made += 1
    rng.shuffle(rows)
    return rows


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """Read ``label<TAB>text`` rows, skipping a ``label<TAB>text`` header and blank lines."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line == "label\ttext":
            continue
        label, _, text = line.partition("\t")
        rows.append((label.strip(), text.strip()))
    return rows


def write_tsv(path: Path, rows: list[tuple[str, str]]) -> None:
    """Write rows as ``label<TAB>text`` with a header line."""
    lines = ["label\ttext", *(f"{label}\t{text}" for label, text in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Generate and write the train and dev files."""
    test_path = DATA_DIR / "indomain_test.tsv"
    exclude: set[str] = set()
    if test_path.exists():
        for _, text in read_tsv(test_path):
            key = normalize_text(text)
            exclude.update({key, fold_diacritics(key)})
    rows = generate(exclude=exclude)
    n_dev = int(len(rows) * DEV_FRACTION)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    write_tsv(DATA_DIR / "indomain_dev.tsv", rows[:n_dev])
    write_tsv(DATA_DIR / "indomain_train.tsv", rows[n_dev:])
    print(f"wrote {len(rows) - n_dev} train and {n_dev} dev rows to {DATA_DIR}")


if __name__ == "__main__":
    main()
