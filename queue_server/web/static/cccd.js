/* Parse the QR code of a Vietnamese citizen ID card (CCCD), as kiosk_ui/core/cccd.py does.
 *
 * The QR decodes to "ID|old ID|full name|ddmmyyyy birth|sex|address|ddmmyyyy issue" (further trailing
 * fields are ignored once the first seven are valid). A handheld or USB scanner types it as keyboard input.
 * CCCD.parse(text, today?) returns {id_number, old_id_number, full_name, date_of_birth: "dd/mm/yyyy", sex,
 * address, issue_date: "dd/mm/yyyy"} or throws an Error whose message is "Vietnamese / English" and never
 * contains the scanned values. CCCD.prefill(form, identity) gives the values of the fields whose "prefill"
 * names a card attribute. Tested against the kiosk's samples: tests/queue_server/console/test_cccd_js.py.
 */
(function () {
  "use strict";

  var FIELD_COUNT = 7;
  var MAX_QR_CHARS = 2000;
  var MAX_AGE_YEARS = 130;
  var SEX = { "nam": "Nam", "nữ": "Nữ", "nu": "Nữ" };

  function fail(vi, en) { return new Error(vi + " / " + en); }

  function clean(field) { return field.split(/\s+/).filter(Boolean).join(" "); }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function parseDate(raw, viName, enName, today) {
    if (!/^[0-9]{8}$/.test(raw)) {
      throw fail(viName + " phải có dạng ngàythángnăm gồm 8 chữ số (ddmmyyyy)",
        "The " + enName + " must be 8 digits in the form ddmmyyyy");
    }
    var d = parseInt(raw.slice(0, 2), 10), m = parseInt(raw.slice(2, 4), 10), y = parseInt(raw.slice(4, 8), 10);
    var value = new Date(Date.UTC(y, m - 1, d));
    if (y < 1 || m < 1 || m > 12 || d < 1 || value.getUTCFullYear() !== y || value.getUTCMonth() !== m - 1 ||
        value.getUTCDate() !== d) {
      throw fail(viName + " không tồn tại", "The " + enName + " is not a real date");
    }
    if (value > today) { throw fail(viName + " nằm trong tương lai", "The " + enName + " is in the future"); }
    if (y < today.getUTCFullYear() - MAX_AGE_YEARS) {
      throw fail(viName + " quá xa trong quá khứ", "The " + enName + " is implausibly old");
    }
    return value;
  }

  function fmt(date) { return pad(date.getUTCDate()) + "/" + pad(date.getUTCMonth() + 1) + "/" + date.getUTCFullYear(); }

  /** today: a Date, or "yyyy-mm-dd"; default the browser's local day. */
  function parse(text, today) {
    if (typeof text !== "string") { throw fail("Dữ liệu mã QR không phải văn bản", "The QR data is not text"); }
    if (text.length > MAX_QR_CHARS) { throw fail("Mã QR quá dài, không phải CCCD", "The QR code is too long to be a CCCD"); }
    var day;
    if (typeof today === "string") { day = new Date(today + "T00:00:00Z"); }
    else {
      var now = today || new Date();
      day = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
    }
    var normalised = text.normalize("NFC").trim().replace(/^\ufeff+|\ufeff+$/g, "").trim();
    if (/\p{Cc}/u.test(normalised)) {
      throw fail("Mã QR chứa ký tự điều khiển không hợp lệ", "The QR code contains control characters");
    }
    var fields = normalised.split("|").map(clean);
    if (fields.length < FIELD_COUNT) {
      throw fail("Mã QR phải có ít nhất " + FIELD_COUNT + " trường cách nhau bởi '|', nhưng chỉ có " + fields.length,
        "The QR code must have at least " + FIELD_COUNT + " '|'-separated fields, found " + fields.length);
    }
    var id = fields[0], old = fields[1], name = fields[2], address = fields[5];
    if (!/^[0-9]{12}$/.test(id)) { throw fail("Số CCCD phải có 12 chữ số", "The ID number must have 12 digits"); }
    if (old && !/^[0-9]{9}$/.test(old)) { throw fail("Số CMND cũ phải có 9 chữ số", "The old ID number must have 9 digits"); }
    if (!name) { throw fail("Họ và tên không được để trống", "The full name must not be empty"); }
    if (!/\p{L}/u.test(name) || /\p{Nd}/u.test(name)) {
      throw fail("Họ và tên chỉ được chứa chữ cái", "The full name must consist of letters");
    }
    var sex = SEX[fields[4].toLowerCase()];
    if (!sex) { throw fail("Giới tính phải là 'Nam' hoặc 'Nữ'", "The sex must be 'Nam' or 'Nữ'"); }
    if (!address) { throw fail("Nơi thường trú không được để trống", "The address must not be empty"); }
    var dob = parseDate(fields[3], "Ngày sinh", "date of birth", day);
    var issue = parseDate(fields[6], "Ngày cấp", "issue date", day);
    if (issue < dob) { throw fail("Ngày cấp không thể trước ngày sinh", "The issue date cannot be before the date of birth"); }
    return { id_number: id, old_id_number: old || null, full_name: name, date_of_birth: fmt(dob), sex: sex,
             address: address, issue_date: fmt(issue) };
  }

  /** Does typed text look like a CCCD QR (12 digits then a '|')? */
  function looks(text) { return /^\s*\ufeff?\s*[0-9]{12}\|/.test(text || ""); }

  function fold(text) { return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase(); }

  /** Values for the form fields whose "prefill" names a card attribute; a choice field takes the matching choice. */
  function prefill(form, identity) {
    var out = {};
    (form || []).forEach(function (field) {
      if (!field.prefill) { return; }
      var value = identity[field.prefill];
      if (value === null || value === undefined) { return; }
      if (field.type === "choice") {
        var match = (field.choices || []).filter(function (c) {
          return fold(c.value) === fold(value) || fold(c.label_vi) === fold(value) || fold(c.label_en) === fold(value);
        })[0];
        if (!match) { return; }
        value = match.value;
      }
      out[field.name] = value;
    });
    return out;
  }

  window.CCCD = { parse: parse, looks: looks, prefill: prefill, FIELD_COUNT: FIELD_COUNT };
})();
