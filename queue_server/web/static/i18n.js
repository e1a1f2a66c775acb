/* motcua staff console and ticket tracking: the one message catalogue (Vietnamese first, English).
 *
 * Markup uses data-i18n="key" (text), data-i18n-placeholder, data-i18n-title, data-i18n-aria-label.
 * Scripts use I18N.t("key", {var: value}). The choice is remembered in localStorage ("motcua.lang").
 */
(function () {
  "use strict";

  var MESSAGES = {
    vi: {
      // shared
      "app.name": "Một cửa thông minh",
      "app.centre": "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
      "lang.switch": "English",
      "lang.switch.title": "Switch to English",
      "min": "{n} phút",
      "min.short": "{n}′",
      "none": "—",
      "live.on": "Trực tuyến",
      "live.off": "Mất kết nối – đang kết nối lại…",
      "live.connecting": "Đang kết nối…",
      "broker.connected": "MQTT: đã kết nối",
      "broker.connected.title": "Máy chủ kết nối được với MQTT broker: các màn hình nhận lượt gọi.",
      "broker.disconnected": "MQTT: mất kết nối",
      "broker.disconnected.title": "Máy chủ không kết nối được MQTT broker: các màn hình không nhận lượt gọi.",
      "broker.none": "MQTT: không dùng",
      "broker.none.title": "Máy chủ chạy không có MQTT broker: không màn hình nào nhận lượt gọi.",
      "broker.unknown": "MQTT: không rõ",
      "broker.unknown.title": "Không hỏi được trạng thái máy chủ.",
      "close": "Đóng",
      "copy": "Sao chép",
      "copied": "Đã sao chép",
      "error.network": "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.",
      "error.http": "Lỗi máy chủ ({status}).",
      "status.open": "Đang mở",
      "status.paused": "Tạm dừng",
      "status.closed": "Đã đóng",
      "ticket.called": "Đang gọi",
      "ticket.serving": "Đang phục vụ",
      "priority.badge": "Ưu tiên – {name}",
      "priority.generic": "Ưu tiên",

      // index
      "index.title": "Bảng điều khiển cán bộ",
      "index.lead": "Chọn trang làm việc.",
      "index.counter": "Quầy giao dịch",
      "index.counter.desc": "Gọi số, bắt đầu, hoàn thành, chuyển dịch vụ, tạm dừng quầy.",
      "index.admin": "Quản trị",
      "index.admin.desc": "Dịch vụ, quầy, hàng đợi trực tiếp, mã truy cập và chỉ số trong ngày.",
      "index.docs": "Tài liệu API",
      "index.docs.desc": "Mô tả OpenAPI của máy chủ hàng đợi.",
      "index.staffing": "Khuyến nghị bố trí quầy",
      "index.staffing.desc": "Số quầy cần mở theo giờ và dịch vụ để chờ không quá 15 phút.",
      "index.provisioning": "Thiết bị",
      "index.provisioning.desc": "Mã đăng ký thiết bị, thiết bị đang chờ và đã đăng ký, thu hồi.",

      // counter page
      "counter.title": "Quầy giao dịch",
      "signin.title": "Đăng nhập quầy",
      "signin.counter": "Số quầy",
      "signin.staff": "Mã cán bộ",
      "signin.token": "Mã truy cập của quầy",
      "signin.token.placeholder": "mc_…",
      "signin.submit": "Đăng nhập và mở quầy",
      "signin.missing": "Nhập số quầy, mã cán bộ và mã truy cập.",
      "signin.staff.invalid": "Mã cán bộ chỉ gồm chữ không dấu, số, dấu chấm, gạch (ví dụ NV01).",
      "signin.hint": "Có thể mở trang bằng đường dẫn #counter=1&token=… do quản trị cấp.",
      "signin.takeover": "Quản lý tiếp quản quầy",
      "signin.takeover.title": "Cần mã truy cập quản trị; việc bàn giao được ghi lại.",
      "signout": "Đăng xuất",
      "staff": "Cán bộ {id}",
      "current.none": "Chưa gọi số nào",
      "current.none.hint": "Bấm “Gọi số tiếp theo” hoặc phím N / Space.",
      "current.called_for": "Đã gọi {t}",
      "current.serving_for": "Đang phục vụ {t}",
      "current.recalls": "Đã gọi lại {n} lần",
      "action.next": "Gọi số tiếp theo",
      "action.recall": "Gọi lại",
      "action.start": "Bắt đầu",
      "action.done": "Hoàn thành",
      "action.no_show": "Vắng mặt",
      "action.transfer": "Chuyển",
      "action.pause": "Tạm dừng",
      "action.resume": "Tiếp tục",
      "waiting.title": "Đang chờ",
      "waiting.empty": "Không có công dân đang chờ.",
      "waiting.for": "chờ {t}",
      "today.served": "Đã phục vụ hôm nay",
      "today.mean": "Thời gian phục vụ TB",
      "msg.nobody": "Không có công dân đang chờ.",
      "msg.called": "Đã gọi số {number}.",
      "msg.recalled": "Đã gọi lại số {number}.",
      "msg.started": "Bắt đầu phục vụ số {number}.",
      "msg.done": "Đã hoàn thành số {number}.",
      "msg.no_show": "Đã đánh dấu vắng mặt số {number}.",
      "msg.transferred": "Đã chuyển số {number} sang {service}.",
      "msg.paused": "Quầy đã tạm dừng.",
      "msg.resumed": "Quầy tiếp tục làm việc.",
      "msg.signed_out": "Đã đăng xuất, quầy đã đóng.",
      "msg.closed": "Quầy đang đóng. Đăng nhập lại để mở quầy.",
      "msg.paused_banner": "Quầy đang tạm dừng – bấm “Tiếp tục” (phím P) để gọi số.",
      "msg.token_invalid": "Mã truy cập không hợp lệ hoặc đã bị thu hồi. Xin nhập lại.",
      "msg.reopen": "Mở lại quầy",
      "transfer.title": "Chuyển số {number} sang dịch vụ",
      "transfer.cancel": "Huỷ",
      "shortcuts": "Phím tắt: N/Space gọi số · R gọi lại · S bắt đầu · D hoàn thành · V vắng mặt · T chuyển · P tạm dừng/tiếp tục",

      // admin page
      "admin.title": "Quản trị trung tâm",
      "admin.signin.title": "Đăng nhập quản trị",
      "admin.signin.token": "Mã truy cập quản trị",
      "admin.signin.submit": "Đăng nhập",
      "admin.signin.missing": "Nhập mã truy cập quản trị.",
      "admin.signout": "Thoát",
      "admin.forbidden": "Mã này không phải mã quản trị.",
      "admin.day": "Ngày",
      "admin.kpis": "Chỉ số trong ngày",
      "admin.target": "Mục tiêu của tỉnh: chờ không quá {n} phút",
      "kpi.issued": "Số vé đã cấp",
      "kpi.done": "Đã hoàn thành",
      "kpi.waiting": "Đang chờ",
      "kpi.no_show": "Tỷ lệ vắng mặt",
      "kpi.wait_p50": "Thời gian chờ trung vị (p50)",
      "kpi.wait_p90": "Thời gian chờ p90",
      "kpi.wait_max": "Chờ lâu nhất",
      "kpi.within15": "Chờ không quá 15 phút",
      "kpi.within30": "Chờ không quá 30 phút",
      "kpi.priority_wait": "Chờ TB – ưu tiên / thường",
      "kpi.service_mean": "Thời gian phục vụ TB",
      "kpi.no_data": "chưa có dữ liệu",
      "kpi.ok": "Đạt mục tiêu",
      "kpi.bad": "Vượt mục tiêu",
      "kpi.of": "trên {n} lượt",
      "admin.counters": "Quầy",
      "admin.queue": "Hàng đợi trực tiếp",
      "admin.by_service": "Theo dịch vụ",
      "admin.by_counter": "Theo quầy",
      "admin.services": "Dịch vụ",
      "admin.tokens": "Mã truy cập",
      "col.counter": "Quầy",
      "col.services": "Dịch vụ",
      "col.status": "Trạng thái",
      "col.staff": "Cán bộ",
      "col.current": "Số hiện tại",
      "col.service": "Dịch vụ",
      "col.letter": "Chữ",
      "col.code": "Mã",
      "col.name_vi": "Tên (tiếng Việt)",
      "col.name_en": "Tên (tiếng Anh)",
      "col.active": "Hoạt động",
      "col.waiting": "Đang chờ",
      "col.priority_waiting": "Ưu tiên",
      "col.estimate": "Ước tính chờ",
      "col.tickets": "Các số đang chờ",
      "col.visits": "Lượt",
      "col.done": "Hoàn thành",
      "col.wait_p50": "Chờ p50",
      "col.wait_p90": "Chờ p90",
      "col.wait_max": "Chờ tối đa",
      "col.service_mean": "Phục vụ TB",
      "col.served": "Đã phục vụ",
      "col.role": "Vai trò",
      "col.label": "Ghi chú",
      "col.created": "Tạo lúc",
      "col.revoked": "Thu hồi",
      "col.id": "ID",
      "yes": "Có",
      "no": "Không",
      "role.kiosk": "Ki-ốt",
      "role.counter": "Quầy",
      "role.display": "Màn hình",
      "role.admin": "Quản trị",
      "role.department": "Phòng chuyên môn",
      "token.department": "Lĩnh vực",
      "token.create": "Tạo mã mới",
      "token.role": "Vai trò",
      "token.counter": "Quầy",
      "token.label": "Ghi chú",
      "token.label.placeholder": "ví dụ: Máy quầy 3",
      "token.submit": "Tạo mã",
      "token.once": "Mã mới – chỉ hiển thị một lần. Hãy sao chép và lưu lại ngay:",
      "token.link": "Đường dẫn mở trang quầy:",
      "token.counter.missing": "Chọn quầy cho mã của quầy.",
      "token.active": "Còn hiệu lực",
      "queue.empty": "Không có ai chờ",

      // track page
      "track.title": "Theo dõi số thứ tự",
      "track.number": "Số của bạn",
      "track.waiting": "Đang chờ – còn {n} người phía trước, khoảng {m} phút",
      "track.waiting.next": "Đang chờ – bạn là người tiếp theo",
      "track.waiting.unknown": "Đang chờ",
      "track.called": "Mời đến {counter}",
      "track.called.hint": "Xin mời ông/bà đến quầy ngay.",
      "track.serving": "Đang được phục vụ tại {counter}",
      "track.done": "Đã hoàn thành. Cảm ơn ông/bà!",
      "track.no_show": "Đã qua lượt vì vắng mặt. Xin liên hệ quầy hoặc lấy số mới.",
      "track.transferred": "Đã chuyển sang dịch vụ {service}",
      "track.cancelled": "Số này đã huỷ.",
      "track.counters": "Nơi phục vụ: {list}",
      "track.updated": "Cập nhật lúc {time} – tự làm mới mỗi 10 giây",
      "track.not_found": "Không tìm thấy số thứ tự này.",
      "track.stale": "Chưa cập nhật được – sẽ thử lại.",
      "track.counter_generic": "quầy"
    },
    en: {
      "app.name": "Smart one-stop service",
      "app.centre": "Bắc Ninh Public Administrative Service Centre",
      "lang.switch": "Tiếng Việt",
      "lang.switch.title": "Chuyển sang tiếng Việt",
      "min": "{n} min",
      "min.short": "{n}′",
      "none": "—",
      "live.on": "Live",
      "live.off": "Disconnected – reconnecting…",
      "live.connecting": "Connecting…",
      "broker.connected": "MQTT: connected",
      "broker.connected.title": "The server reaches its MQTT broker: displays receive the calls.",
      "broker.disconnected": "MQTT: disconnected",
      "broker.disconnected.title": "The server cannot reach its MQTT broker: displays do not receive the calls.",
      "broker.none": "MQTT: not used",
      "broker.none.title": "The server runs without an MQTT broker: no display receives the calls.",
      "broker.unknown": "MQTT: unknown",
      "broker.unknown.title": "The server's state could not be read.",
      "close": "Close",
      "copy": "Copy",
      "copied": "Copied",
      "error.network": "Cannot reach the server. Check the network and try again.",
      "error.http": "Server error ({status}).",
      "status.open": "Open",
      "status.paused": "Paused",
      "status.closed": "Closed",
      "ticket.called": "Called",
      "ticket.serving": "Serving",
      "priority.badge": "Priority – {name}",
      "priority.generic": "Priority",

      "index.title": "Staff console",
      "index.lead": "Choose a workspace.",
      "index.counter": "Service counter",
      "index.counter.desc": "Call numbers, start, finish, transfer, pause the counter.",
      "index.admin": "Administration",
      "index.admin.desc": "Services, counters, the live queue, access tokens and today's KPIs.",
      "index.docs": "API documentation",
      "index.docs.desc": "OpenAPI description of the queue server.",
      "index.staffing": "Staffing advice",
      "index.staffing.desc": "Counters to open per hour and service to keep waits within 15 minutes.",
      "index.provisioning": "Devices",
      "index.provisioning.desc": "Enrolment codes, pending and enrolled devices, revocation.",

      "counter.title": "Service counter",
      "signin.title": "Counter sign-in",
      "signin.counter": "Counter number",
      "signin.staff": "Staff ID",
      "signin.token": "Counter access token",
      "signin.token.placeholder": "mc_…",
      "signin.submit": "Sign in and open the counter",
      "signin.missing": "Enter the counter number, staff ID and access token.",
      "signin.staff.invalid": "A staff ID has only letters without accents, digits, dots and dashes (e.g. NV01).",
      "signin.hint": "The page can also be opened with a #counter=1&token=… link from the administrator.",
      "signin.takeover": "Manager takes the counter over",
      "signin.takeover.title": "Needs an admin token; the hand-over is recorded.",
      "signout": "Sign out",
      "staff": "Staff {id}",
      "current.none": "No number called",
      "current.none.hint": "Press “Call next” or the N / Space key.",
      "current.called_for": "Called {t} ago",
      "current.serving_for": "Serving for {t}",
      "current.recalls": "Recalled {n}×",
      "action.next": "Call next",
      "action.recall": "Recall",
      "action.start": "Start",
      "action.done": "Done",
      "action.no_show": "No-show",
      "action.transfer": "Transfer",
      "action.pause": "Pause",
      "action.resume": "Resume",
      "waiting.title": "Waiting",
      "waiting.empty": "Nobody is waiting.",
      "waiting.for": "waiting {t}",
      "today.served": "Served today",
      "today.mean": "Mean service time",
      "msg.nobody": "Nobody is waiting.",
      "msg.called": "Called {number}.",
      "msg.recalled": "Recalled {number}.",
      "msg.started": "Serving {number}.",
      "msg.done": "{number} is done.",
      "msg.no_show": "{number} marked as a no-show.",
      "msg.transferred": "{number} transferred to {service}.",
      "msg.paused": "The counter is paused.",
      "msg.resumed": "The counter is open again.",
      "msg.signed_out": "Signed out; the counter is closed.",
      "msg.closed": "The counter is closed. Sign in again to open it.",
      "msg.paused_banner": "The counter is paused – press “Resume” (key P) to call numbers.",
      "msg.token_invalid": "The access token is invalid or revoked. Please enter it again.",
      "msg.reopen": "Reopen the counter",
      "transfer.title": "Transfer {number} to the service",
      "transfer.cancel": "Cancel",
      "shortcuts": "Shortcuts: N/Space next · R recall · S start · D done · V no-show · T transfer · P pause/resume",

      "admin.title": "Centre administration",
      "admin.signin.title": "Administrator sign-in",
      "admin.signin.token": "Administrator access token",
      "admin.signin.submit": "Sign in",
      "admin.signin.missing": "Enter the administrator access token.",
      "admin.signout": "Sign out",
      "admin.forbidden": "This is not an administrator token.",
      "admin.day": "Day",
      "admin.kpis": "Today's indicators",
      "admin.target": "Province target: wait at most {n} minutes",
      "kpi.issued": "Tickets issued",
      "kpi.done": "Done",
      "kpi.waiting": "Waiting now",
      "kpi.no_show": "No-show rate",
      "kpi.wait_p50": "Median wait (p50)",
      "kpi.wait_p90": "Wait p90",
      "kpi.wait_max": "Longest wait",
      "kpi.within15": "Waited ≤ 15 min",
      "kpi.within30": "Waited ≤ 30 min",
      "kpi.priority_wait": "Mean wait – priority / normal",
      "kpi.service_mean": "Mean service time",
      "kpi.no_data": "no data yet",
      "kpi.ok": "On target",
      "kpi.bad": "Over target",
      "kpi.of": "of {n} visits",
      "admin.counters": "Counters",
      "admin.queue": "Live queue",
      "admin.by_service": "By service",
      "admin.by_counter": "By counter",
      "admin.services": "Services",
      "admin.tokens": "Access tokens",
      "col.counter": "Counter",
      "col.services": "Services",
      "col.status": "Status",
      "col.staff": "Staff",
      "col.current": "Current",
      "col.service": "Service",
      "col.letter": "Letter",
      "col.code": "Code",
      "col.name_vi": "Name (Vietnamese)",
      "col.name_en": "Name (English)",
      "col.active": "Active",
      "col.waiting": "Waiting",
      "col.priority_waiting": "Priority",
      "col.estimate": "Est. wait",
      "col.tickets": "Waiting numbers",
      "col.visits": "Visits",
      "col.done": "Done",
      "col.wait_p50": "Wait p50",
      "col.wait_p90": "Wait p90",
      "col.wait_max": "Max wait",
      "col.service_mean": "Mean service",
      "col.served": "Served",
      "col.role": "Role",
      "col.label": "Label",
      "col.created": "Created",
      "col.revoked": "Revoked",
      "col.id": "ID",
      "yes": "Yes",
      "no": "No",
      "role.kiosk": "Kiosk",
      "role.counter": "Counter",
      "role.display": "Display",
      "role.admin": "Administrator",
      "role.department": "Department",
      "token.department": "Department",
      "token.create": "Create a token",
      "token.role": "Role",
      "token.counter": "Counter",
      "token.label": "Label",
      "token.label.placeholder": "e.g. Counter 3 PC",
      "token.submit": "Create",
      "token.once": "New token – shown only once. Copy and store it now:",
      "token.link": "Link that opens the counter page:",
      "token.counter.missing": "Choose the counter of a counter token.",
      "token.active": "Active",
      "queue.empty": "Nobody waiting",

      "track.title": "Follow your number",
      "track.number": "Your number",
      "track.waiting": "Waiting – {n} people ahead, about {m} min",
      "track.waiting.next": "Waiting – you are next",
      "track.waiting.unknown": "Waiting",
      "track.called": "Please go to {counter}",
      "track.called.hint": "Please come to the counter now.",
      "track.serving": "Being served at {counter}",
      "track.done": "Done. Thank you!",
      "track.no_show": "Your turn passed because you were absent. Please ask at a counter or take a new number.",
      "track.transferred": "Transferred to {service}",
      "track.cancelled": "This number was cancelled.",
      "track.counters": "Served at: {list}",
      "track.updated": "Updated at {time} – refreshes every 10 seconds",
      "track.not_found": "This number was not found.",
      "track.stale": "Could not update – will retry.",
      "track.counter_generic": "the counter"
    }
  };

  var KEY = "motcua.lang";
  var listeners = [];

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }

  var I18N = {
    messages: MESSAGES,
    lang: stored() === "en" ? "en" : "vi",
    hasStoredChoice: function () { return stored() === "en" || stored() === "vi"; },

    t: function (key, vars) {
      var table = MESSAGES[I18N.lang] || MESSAGES.vi;
      var text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : MESSAGES.vi[key];
      if (text === undefined) { return key; }
      if (vars) {
        text = text.replace(/\{(\w+)\}/g, function (m, name) {
          return Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m;
        });
      }
      return text;
    },

    /** obj.name_vi or obj.name_en (any field prefix), falling back to Vietnamese. */
    pick: function (obj, field) {
      if (!obj) { return ""; }
      var value = obj[field + "_" + I18N.lang];
      return value === undefined || value === null || value === "" ? (obj[field + "_vi"] || "") : value;
    },

    /** The readable message of an API error body {code, message_vi, message_en}. */
    errorText: function (err) {
      if (!err) { return ""; }
      if (err.message_vi || err.message_en) {
        return I18N.lang === "en" ? (err.message_en || err.message_vi) : (err.message_vi || err.message_en);
      }
      if (err.code === "network") { return I18N.t("error.network"); }
      return I18N.t("error.http", { status: err.status || "?" });
    },

    number: function (value, digits) {
      if (value === null || value === undefined || isNaN(value)) { return I18N.t("none"); }
      return new Intl.NumberFormat(I18N.lang === "en" ? "en-GB" : "vi-VN",
        { maximumFractionDigits: digits === undefined ? 1 : digits }).format(value);
    },

    minutes: function (value) {
      if (value === null || value === undefined) { return I18N.t("none"); }
      return I18N.t("min", { n: I18N.number(value, 1) });
    },

    time: function (date) {
      return date.toLocaleTimeString(I18N.lang === "en" ? "en-GB" : "vi-VN",
        { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    },

    apply: function (root) {
      root = root || document;
      document.documentElement.lang = I18N.lang;
      root.querySelectorAll("[data-i18n]").forEach(function (node) {
        node.textContent = I18N.t(node.getAttribute("data-i18n"));
      });
      ["placeholder", "title", "aria-label"].forEach(function (attr) {
        root.querySelectorAll("[data-i18n-" + attr + "]").forEach(function (node) {
          node.setAttribute(attr, I18N.t(node.getAttribute("data-i18n-" + attr)));
        });
      });
    },

    setLang: function (lang, remember) {
      I18N.lang = lang === "en" ? "en" : "vi";
      if (remember !== false) {
        try { window.localStorage.setItem(KEY, I18N.lang); } catch (e) { /* private mode */ }
      }
      I18N.apply(document);
      listeners.forEach(function (fn) { fn(I18N.lang); });
    },

    toggle: function () { I18N.setLang(I18N.lang === "vi" ? "en" : "vi"); },

    onChange: function (fn) { listeners.push(fn); },

    /** Wire a button that switches language. */
    bindSwitch: function (button) {
      if (!button) { return; }
      button.addEventListener("click", function () { I18N.toggle(); button.blur(); });
    }
  };

  window.I18N = I18N;
})();
