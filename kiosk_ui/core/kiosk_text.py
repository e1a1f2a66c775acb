"""The citizen kiosk's message catalogue: every on-screen and spoken string, Vietnamese first (NFC), English second.

Keys ending in ``_say`` are the spoken instruction of a screen (voice guidance); they carry no
citizen data. :func:`reading_seconds` estimates how long a slow reader needs for a text, so no
screen times out before it can be read.
"""

from __future__ import annotations

import math
import string
import unicodedata
from typing import Literal

__all__ = ["MESSAGES", "UiLang", "missing_placeholders", "reading_seconds", "t"]

UiLang = Literal["vi", "en"]

MESSAGES: dict[str, dict[str, str]] = {
    # toolbar, on every screen
    "home": {"vi": "Trang đầu", "en": "Start page"},
    "back": {"vi": "Quay lại", "en": "Back"},
    "lang_switch": {"vi": "English", "en": "Tiếng Việt"},
    "large_text": {"vi": "Chữ to", "en": "Large text"},
    "normal_text": {"vi": "Chữ thường", "en": "Normal text"},
    "contrast": {"vi": "Tương phản cao", "en": "High contrast"},
    "contrast_off": {"vi": "Màu thường", "en": "Normal colours"},
    "listen": {"vi": "Nghe hướng dẫn", "en": "Read aloud"},
    "offline_banner": {
        "vi": "Không kết nối được máy chủ điểm {site}: vẫn xem được thủ tục, nhưng tạm thời chưa lấy được số",
        "en": "No connection to the server of site {site}: you can browse procedures, but tickets cannot be"
        " issued right now",
    },
    # welcome (attract loop)
    "welcome_title": {"vi": "Xin chào quý công dân", "en": "Welcome"},
    "welcome_touch": {"vi": "Chạm vào đây để bắt đầu", "en": "Touch here to start"},
    "attract_1": {"vi": "Lấy số thứ tự chỉ với vài lần chạm", "en": "Take a queue ticket in a few taps"},
    "attract_2": {
        "vi": "Tra cứu thủ tục: cần mang giấy tờ gì, lệ phí, thời gian giải quyết",
        "en": "Look up a procedure: what to bring, the fee, how long it takes",
    },
    "attract_3": {
        "vi": "Điền tờ khai trước, quét mã QR trên thẻ căn cước để khỏi gõ lại",
        "en": "Fill in your form here; scan the QR code on your ID card to save typing",
    },
    "attract_4": {
        "vi": "Người cao tuổi, người khuyết tật, phụ nữ mang thai: chọn nút Ưu tiên",
        "en": "Elderly, disabled or pregnant visitors: press the Priority button",
    },
    "priority_button": {"vi": "ƯU TIÊN", "en": "PRIORITY"},
    "priority_button_sub": {
        "vi": "Người cao tuổi, người khuyết tật, phụ nữ mang thai, người đi cùng trẻ nhỏ",
        "en": "Elderly, disabled, pregnant, or with a young child",
    },
    "welcome_say": {
        "vi": "Xin chào. Chạm vào màn hình để bắt đầu. Nếu quý vị được ưu tiên, hãy chạm nút Ưu tiên màu cam.",
        "en": "Welcome. Touch the screen to start. If you have priority, touch the orange Priority button.",
    },
    "welcome_feedback": {"vi": "Đánh giá dịch vụ", "en": "Rate our service"},
    "welcome_feedback_sub": {"vi": "Đã làm xong thủ tục? Chạm để đánh giá", "en": "Been served? Touch to rate us"},
    # feedback (rate a served visit by the ticket number)
    "feedback_number_title": {"vi": "Nhập số vé của quý vị", "en": "Enter your ticket number"},
    "feedback_number_hint": {
        "vi": "Số vé in chữ to ở giữa phiếu lấy số, ví dụ A012",
        "en": "The number is printed in large type in the middle of your ticket slip, e.g. A012",
    },
    "feedback_number_invalid": {
        "vi": "Số vé gồm chữ cái rồi chữ số, ví dụ A012",
        "en": "A ticket number is a letter then digits, e.g. A012",
    },
    "feedback_next": {"vi": "Tiếp tục", "en": "Next"},
    "feedback_rate_for": {"vi": "Vé {number}", "en": "Ticket {number}"},
    "feedback_change_number": {"vi": "Sửa số vé", "en": "Change number"},
    "feedback_need_rating": {"vi": "Xin chọn một mức đánh giá", "en": "Please choose a rating"},
    "feedback_home": {"vi": "Về trang đầu", "en": "Back to start"},
    "feedback_say": {
        "vi": "Gõ số vé in trên phiếu, chạm Tiếp tục, rồi chạm một trong bốn mức hài lòng và chạm Gửi đánh giá.",
        "en": "Type the number printed on your ticket, touch Next, then touch one of the four ratings and touch Send.",
    },
    # start menu
    "start_title": {"vi": "Quý vị muốn làm gì?", "en": "What would you like to do?"},
    "start_ticket": {"vi": "Lấy số thứ tự", "en": "Take a queue ticket"},
    "start_ticket_sub": {"vi": "Chọn lĩnh vực, nhận phiếu ngay", "en": "Choose a service, get your ticket now"},
    "start_find": {"vi": "Tìm thủ tục và chuẩn bị hồ sơ", "en": "Find a procedure and prepare the dossier"},
    "start_find_sub": {
        "vi": "Xem giấy tờ cần mang, điền tờ khai, rồi lấy số",
        "en": "See what to bring, fill in the form, then take a ticket",
    },
    "start_say": {
        "vi": "Chạm nút Lấy số thứ tự để nhận phiếu. Chạm nút Tìm thủ tục để xem giấy tờ cần mang và điền tờ khai.",
        "en": "Touch Take a queue ticket to get a ticket. Touch Find a procedure to see what to bring "
        "and fill in the form.",
    },
    # priority
    "priority_title": {"vi": "Quý vị thuộc nhóm ưu tiên nào?", "en": "Which priority group are you in?"},
    "priority_hint": {
        "vi": "Cán bộ có thể đề nghị xem giấy tờ chứng minh",
        "en": "Staff may ask to see a supporting document",
    },
    "priority_say": {
        "vi": "Chạm vào nhóm ưu tiên của quý vị, rồi chọn lĩnh vực để nhận phiếu ưu tiên.",
        "en": "Touch your priority group, then choose a service to get a priority ticket.",
    },
    "priority_badge": {"vi": "Ưu tiên: {name}", "en": "Priority: {name}"},
    # services
    "services_title": {"vi": "Chọn lĩnh vực để lấy số", "en": "Choose a service to take a ticket"},
    "services_say": {
        "vi": "Chạm vào lĩnh vực quý vị cần. Phiếu số thứ tự sẽ được in ngay.",
        "en": "Touch the service you need. Your ticket will be printed at once.",
    },
    "services_find": {"vi": "Chưa rõ lĩnh vực? Tìm thủ tục", "en": "Not sure? Find your procedure"},
    "go_to": {"vi": "Đến: {where}", "en": "Go to: {where}"},
    # fields (browse) and search
    "fields_title": {"vi": "Chọn lĩnh vực thủ tục", "en": "Choose a field"},
    "fields_search": {"vi": "Tìm theo tên thủ tục: chạm để gõ", "en": "Search by name: touch to type"},
    "fields_count": {"vi": "{n} thủ tục", "en": "{n} procedures"},
    "fields_say": {
        "vi": "Chạm vào một lĩnh vực để xem các thủ tục, hoặc chạm ô tìm kiếm để gõ tên thủ tục.",
        "en": "Touch a field to see its procedures, or touch the search box to type a procedure's name.",
    },
    "search_title": {"vi": "Tìm thủ tục", "en": "Find a procedure"},
    "search_placeholder": {
        "vi": "Gõ tên thủ tục, có dấu hoặc không dấu (ví dụ: khai sinh)",
        "en": "Type a procedure name, with or without accents (e.g. khai sinh)",
    },
    "search_none": {"vi": "Không tìm thấy thủ tục nào, hãy thử từ khác", "en": "No procedure found; try other words"},
    "search_offline": {"vi": "Đang tìm trong danh mục đã lưu", "en": "Searching the saved catalogue"},
    "search_say": {
        "vi": "Gõ tên thủ tục bằng bàn phím trên màn hình, rồi chạm vào thủ tục cần tìm trong danh sách.",
        "en": "Type the procedure's name on the on-screen keyboard, then touch it in the list.",
    },
    "procedures_say": {
        "vi": "Chạm vào thủ tục quý vị cần làm để xem chi tiết.",
        "en": "Touch the procedure you need to see its details.",
    },
    "on_the_spot": {"vi": "Giải quyết ngay tại chỗ", "en": "Done on the spot today"},
    # procedure page
    "proc_documents": {"vi": "Giấy tờ cần mang", "en": "What to bring"},
    "proc_fee": {"vi": "Lệ phí", "en": "Fee"},
    "proc_time": {"vi": "Thời gian giải quyết", "en": "Processing time"},
    "proc_where": {"vi": "Nơi nộp hồ sơ", "en": "Where to go"},
    "proc_authority": {"vi": "Cơ quan giải quyết", "en": "Authority"},
    "proc_spot_yes": {
        "vi": "Có thể nhận kết quả ngay trong ngày (4 tại chỗ)",
        "en": "Can be finished today, on the spot",
    },
    "proc_spot_no": {"vi": "Không trả kết quả trong ngày", "en": "Not finished on the same day"},
    "proc_ticket": {"vi": "Chỉ lấy số thứ tự", "en": "Just take a ticket"},
    "proc_prepare": {"vi": "Điền tờ khai trước", "en": "Fill in the form first"},
    "proc_no_form": {
        "vi": "Thủ tục này chưa có tờ khai điện tử: hãy lấy số và nộp tại quầy",
        "en": "No electronic form for this procedure: take a ticket and apply at the counter",
    },
    "proc_loading": {"vi": "Đang tải thông tin thủ tục…", "en": "Loading the procedure…"},
    "proc_unavailable": {
        "vi": "Chưa có thông tin chi tiết của thủ tục này khi mất kết nối. Vui lòng hỏi cán bộ hướng dẫn.",
        "en": "The details of this procedure are not available offline. Please ask a member of staff.",
    },
    "procedure_say": {
        "vi": "Đây là giấy tờ cần mang, lệ phí và thời gian giải quyết. Chạm Chỉ lấy số thứ tự, "
        "hoặc chạm Điền tờ khai trước.",
        "en": "Here is what to bring, the fee and the processing time. Touch Just take a ticket, "
        "or touch Fill in the form first.",
    },
    # form
    "form_progress": {"vi": "Bước {i}/{n}", "en": "Step {i} of {n}"},
    "form_required": {"vi": "(bắt buộc)", "en": "(required)"},
    "form_optional": {"vi": "(không bắt buộc, có thể bỏ qua)", "en": "(optional, you may skip it)"},
    "form_scan": {"vi": "Quét CCCD", "en": "Scan ID card"},
    "form_scan_hint": {
        "vi": "Đưa mã QR trên thẻ căn cước vào trước camera",
        "en": "Hold the QR code of your ID card in front of the camera",
    },
    "form_scanning": {"vi": "Đang quét mã QR… giữ yên thẻ", "en": "Scanning… hold the card still"},
    "form_scanned": {
        "vi": "Đã điền sẵn {n} mục từ thẻ căn cước, vui lòng kiểm tra",
        "en": "{n} items filled in from your ID card; please check them",
    },
    "form_scan_none": {
        "vi": "Không đọc được mã QR của thẻ, hãy thử lại hoặc tự gõ",
        "en": "The card's QR code could not be read; try again or type it in",
    },
    "form_camera_missing": {
        "vi": "Không mở được camera, vui lòng tự gõ thông tin",
        "en": "The camera cannot be opened; please type the details in",
    },
    "form_prev": {"vi": "Bước trước", "en": "Previous step"},
    "form_next": {"vi": "Mục tiếp", "en": "Next item"},
    "form_next_step": {"vi": "Bước tiếp", "en": "Next step"},
    "form_review": {"vi": "Xem lại và nộp", "en": "Review and submit"},
    "form_ok": {"vi": "Đúng rồi", "en": "Looks right"},
    "form_choose": {"vi": "Chạm để chọn một mục", "en": "Touch one option"},
    "form_say": {
        "vi": "Điền các mục bằng bàn phím trên màn hình, rồi chạm Bước tiếp. Chạm vào một mục để sửa. "
        "Có thể chạm Quét CCCD để điền sẵn thông tin từ thẻ căn cước.",
        "en": "Fill in the items with the on-screen keyboard, then touch Next step. Touch an item to change it. "
        "You can touch Scan ID card to fill in your details from your ID card.",
    },
    "kb_space": {"vi": "Dấu cách", "en": "Space"},
    "kb_backspace": {"vi": "Xoá", "en": "Delete"},
    "kb_shift": {"vi": "Chữ hoa", "en": "Shift"},
    "kb_clear": {"vi": "Xoá hết", "en": "Clear"},
    "kb_telex": {"vi": "Gõ Telex", "en": "Telex"},
    "kb_vni": {"vi": "Gõ VNI", "en": "VNI"},
    "kb_plain": {"vi": "Không dấu", "en": "No accents"},
    "kb_help_telex": {
        "vi": "Telex: aa=â, aw=ă, oo=ô, ow=ơ, uw=ư, dd=đ; dấu: s sắc, f huyền, r hỏi, x ngã, j nặng",
        "en": "Telex: aa=â, aw=ă, oo=ô, ow=ơ, uw=ư, dd=đ; tones: s f r x j",
    },
    "kb_help_vni": {
        "vi": "VNI: 6=â ê ô, 7=ơ ư, 8=ă, 9=đ; dấu: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng",
        "en": "VNI: 6=â ê ô, 7=ơ ư, 8=ă, 9=đ; tones: 1 2 3 4 5",
    },
    "kb_help_plain": {"vi": "Gõ không dấu", "en": "Typing without accents"},
    "kb_mode_telex": {"vi": "Bàn phím: chữ có dấu (Telex)", "en": "Keyboard: letters with accents (Telex)"},
    "kb_mode_vni": {"vi": "Bàn phím: chữ có dấu (VNI)", "en": "Keyboard: letters with accents (VNI)"},
    "kb_mode_plain": {"vi": "Bàn phím: chữ không dấu", "en": "Keyboard: letters without accents"},
    "kb_mode_digits": {"vi": "Bàn phím: chữ số", "en": "Keyboard: digits"},
    # review
    "review_title": {"vi": "Kiểm tra lại tờ khai", "en": "Check your form"},
    "review_edit": {"vi": "Sửa lại", "en": "Change something"},
    "review_submit": {"vi": "Xác nhận, nộp hồ sơ và lấy số", "en": "Confirm, submit and take a ticket"},
    "review_empty": {"vi": "(để trống)", "en": "(left empty)"},
    "review_invalid": {
        "vi": "Còn {n} mục chưa đúng, chạm Sửa lại để điền",
        "en": "{n} items still need fixing; touch Change something",
    },
    "review_say": {
        "vi": "Hãy đọc lại các thông tin. Nếu đúng, chạm Xác nhận. Nếu cần sửa, chạm Sửa lại.",
        "en": "Read your details once more. If they are right, touch Confirm. To change something, touch "
        "Change something.",
    },
    "busy": {"vi": "Đang xử lý, vui lòng chờ…", "en": "Working, please wait…"},
    # ticket
    "ticket_title": {"vi": "Số thứ tự của quý vị", "en": "Your ticket number"},
    "ticket_ahead": {"vi": "Số người chờ trước: {n}", "en": "People ahead of you: {n}"},
    "ticket_next": {"vi": "Quý vị là người tiếp theo", "en": "You are next"},
    "ticket_wait": {"vi": "Thời gian chờ dự kiến: {t}", "en": "Estimated wait: {t}"},
    "ticket_where": {"vi": "Mời đến: {where}", "en": "Please go to: {where}"},
    "ticket_receipt": {"vi": "Mã hồ sơ: {code}", "en": "Dossier code: {code}"},
    "ticket_qr": {"vi": "Quét mã để theo dõi lượt trên điện thoại", "en": "Scan to follow your turn on your phone"},
    "ticket_printing": {"vi": "Đang in phiếu…", "en": "Printing your ticket…"},
    "ticket_printed": {
        "vi": "Mời nhận phiếu ở khe bên dưới màn hình",
        "en": "Please take your ticket below the screen",
    },
    "ticket_print_fault": {
        "vi": "Máy in đang gặp sự cố ({reason}). Phiếu của quý vị vẫn được giữ: hãy nhớ số hoặc chụp mã QR này. "
        "Cán bộ đã được báo.",
        "en": "The printer has a problem ({reason}). Your ticket is kept: remember the number or photograph "
        "this QR code. Staff have been told.",
    },
    "ticket_done": {"vi": "Xong", "en": "Done"},
    "ticket_say": {
        "vi": "Đây là số thứ tự của quý vị. Mời nhận phiếu và chờ gọi số trên màn hình.",
        "en": "This is your ticket number. Please take your ticket and wait to be called.",
    },
    "ticket_failed_title": {"vi": "Chưa lấy được số thứ tự", "en": "The ticket could not be issued"},
    "ticket_failed": {
        "vi": "Không kết nối được máy chủ lấy số. Quý vị chưa có số. Hãy chạm Thử lại, hoặc hỏi cán bộ hướng dẫn.",
        "en": "The ticket server cannot be reached. You do not have a ticket yet. Touch Try again, or ask a member "
        "of staff.",
    },
    "dossier_failed": {
        "vi": "Chưa nộp được hồ sơ: {reason}",
        "en": "The dossier could not be submitted: {reason}",
    },
    "retry": {"vi": "Thử lại", "en": "Try again"},
    "failed_say": {
        "vi": "Chưa lấy được số thứ tự. Hãy chạm Thử lại, hoặc hỏi cán bộ hướng dẫn.",
        "en": "The ticket could not be issued. Touch Try again, or ask a member of staff.",
    },
    # done
    "done_title": {"vi": "Cảm ơn quý công dân!", "en": "Thank you!"},
    "done_hint": {
        "vi": "Vui lòng giữ phiếu và chú ý màn hình, loa gọi số.",
        "en": "Please keep your ticket and watch the screens for your number.",
    },
    "done_countdown": {
        "vi": "Màn hình trở về trang đầu sau {n} giây",
        "en": "Back to the start page in {n} seconds",
    },
    "done_home": {"vi": "Về trang đầu", "en": "Back to start"},
    "done_say": {
        "vi": "Cảm ơn quý công dân. Vui lòng giữ phiếu và chú ý loa gọi số.",
        "en": "Thank you. Please keep your ticket and listen for your number.",
    },
    # idle warning
    "idle_title": {"vi": "Quý vị còn cần thêm thời gian không?", "en": "Do you need more time?"},
    "idle_body": {
        "vi": "Để bảo vệ thông tin cá nhân, màn hình sẽ xoá mọi thông tin đã nhập sau {n} giây.",
        "en": "To protect your personal data, everything entered will be erased in {n} seconds.",
    },
    "idle_continue": {"vi": "Tôi vẫn đang dùng", "en": "I am still here"},
    # printer faults, short (ticket screen)
    "printer_not_found": {"vi": "không kết nối được máy in", "en": "printer unreachable"},
    "printer_out_of_paper": {"vi": "máy in hết giấy", "en": "out of paper"},
    "printer_offline": {"vi": "máy in đang ngoại tuyến", "en": "printer offline"},
    "printer_write_failed": {"vi": "máy in bị ngắt khi đang in", "en": "printer disconnected"},
    "printer_bad_setting": {"vi": "cấu hình máy in sai", "en": "printer misconfigured"},
}


def t(key: str, lang: UiLang | str, **values: object) -> str:
    """The catalogue text for ``key`` in ``lang`` (Vietnamese when there is no translation), formatted, NFC."""
    entry = MESSAGES[key]
    text = entry.get(lang, entry["vi"])
    return unicodedata.normalize("NFC", text.format(**values) if values else text)


def missing_placeholders(key: str) -> set[str]:
    """Placeholders that appear in one language of ``key`` and not the other (a catalogue bug)."""
    names = [{name for _, name, _, _ in string.Formatter().parse(text) if name} for text in MESSAGES[key].values()]
    every: set[str] = set()
    for found in names:
        every |= found
    return {name for name in every if not all(name in found for found in names)}


def reading_seconds(text: str, *, words_per_minute: float = 80.0, minimum: float = 10.0) -> float:
    """Seconds a slow reader (an elderly first-time user) needs to read ``text``, at least ``minimum``."""
    words = len(text.split())
    return max(minimum, math.ceil(words * 60.0 / words_per_minute))
