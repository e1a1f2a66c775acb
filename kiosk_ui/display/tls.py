"""The display's TLS files (site CA, client certificate and key): checked up front, failures explained.

Every message is Vietnamese first, English second: the technician reads it in the journal or on the
terminal, so it names the setting to fix (``MOTCUA_DISPLAY_CA_FILE`` / ``--ca-file`` ...).
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

MESSAGES: dict[str, tuple[str, str]] = {
    "missing": (
        "Không tìm thấy tệp {what} '{path}' (MOTCUA_DISPLAY_{var}, --{flag}).",
        "The {what_en} file '{path}' does not exist (MOTCUA_DISPLAY_{var}, --{flag}).",
    ),
    "unreadable": (
        "Không đọc được tệp {what} '{path}': {reason} (MOTCUA_DISPLAY_{var}, --{flag}).",
        "Cannot read the {what_en} file '{path}': {reason} (MOTCUA_DISPLAY_{var}, --{flag}).",
    ),
    "bad_ca": (
        "Tệp CA '{path}' không phải chứng thư PEM hợp lệ: {reason}.",
        "The CA file '{path}' is not a valid PEM certificate: {reason}.",
    ),
    "bad_pair": (
        "Chứng thư '{cert}' và khoá '{key}' của thiết bị không dùng được (sai định dạng, khoá có mật khẩu"
        " hoặc không khớp nhau): {reason}.",
        "The device certificate '{cert}' and key '{key}' cannot be used (not PEM, a passphrase-protected key,"
        " or they do not match): {reason}.",
    ),
    "half_pair": (
        "Cần cả chứng thư (MOTCUA_DISPLAY_CERT_FILE) lẫn khoá (MOTCUA_DISPLAY_KEY_FILE) của thiết bị.",
        "The device certificate (MOTCUA_DISPLAY_CERT_FILE) and key (MOTCUA_DISPLAY_KEY_FILE) go together.",
    ),
    "cert_without_ca": (
        "Chứng thư thiết bị chỉ dùng cùng CA của điểm phục vụ: hãy đặt cả MOTCUA_DISPLAY_CA_FILE.",
        "A device certificate goes with the site CA: set MOTCUA_DISPLAY_CA_FILE too.",
    ),
    "untrusted": (
        "Không xác thực được máy chủ MQTT {url}: chứng thư của nó không do CA đã cấu hình ký"
        " (đặt MOTCUA_DISPLAY_CA_FILE / --ca-file là ca.pem của điểm phục vụ). Chi tiết: {reason}.",
        "Cannot verify the MQTT broker {url}: its certificate is not signed by a trusted CA"
        " (set MOTCUA_DISPLAY_CA_FILE / --ca-file to the site's ca.pem). Details: {reason}.",
    ),
    "wrong_host": (
        "Chứng thư của máy chủ MQTT {url} không cấp cho địa chỉ này (kết nối bằng đúng tên/địa chỉ"
        " ghi trong chứng thư). Chi tiết: {reason}.",
        "The MQTT broker's certificate is not issued for {url} (connect by the name or address it was"
        " issued for). Details: {reason}.",
    ),
    "refused_tls": (
        "Máy chủ MQTT {url} từ chối kết nối TLS (thiếu hoặc sai chứng thư thiết bị:"
        " MOTCUA_DISPLAY_CERT_FILE / MOTCUA_DISPLAY_KEY_FILE). Chi tiết: {reason}.",
        "The MQTT broker {url} refused the TLS connection (missing or wrong device certificate:"
        " MOTCUA_DISPLAY_CERT_FILE / MOTCUA_DISPLAY_KEY_FILE). Details: {reason}.",
    ),
}

# (Vietnamese name, English name, environment suffix, flag) of each file.
_FILES: dict[str, tuple[str, str, str, str]] = {
    "ca_file": ("CA của điểm phục vụ", "site CA", "CA_FILE", "ca-file"),
    "cert_file": ("chứng thư thiết bị", "device certificate", "CERT_FILE", "cert-file"),
    "key_file": ("khoá riêng của thiết bị", "device key", "KEY_FILE", "key-file"),
}


# OpenSSL X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH (x509_vfy.h).
_NAME_MISMATCH = frozenset({62, 64})


class TlsFilesError(ValueError):
    """A TLS file problem, with the message in Vietnamese and English."""

    def __init__(self, name: str, /, **values: object) -> None:
        vi, en = MESSAGES[name]
        self.message_vi, self.message_en = vi.format(**values), en.format(**values)
        super().__init__(f"{self.message_vi} / {self.message_en}")


def check_readable(field: str, path: Path) -> Path:
    """``path`` if it is a readable file; TlsFilesError naming the setting otherwise."""
    what, what_en, var, flag = _FILES[field]
    names = {"what": what, "what_en": what_en, "var": var, "flag": flag, "path": path}
    if not path.exists():
        raise TlsFilesError("missing", **names)
    if not path.is_file():
        raise TlsFilesError("unreadable", reason="not a file / không phải tệp", **names)
    if not os.access(path, os.R_OK):
        raise TlsFilesError("unreadable", reason="permission denied / không có quyền đọc", **names)
    return path


def _no_passphrase() -> bytes:
    # A passphrase-protected key must fail here, not make OpenSSL prompt on the kiosk's terminal.
    raise ValueError("the key is protected by a passphrase")


def check_tls_files(ca_file: Path | None, cert_file: Path | None, key_file: Path | None) -> None:
    """Load the files as a TLS client would; TlsFilesError with a clear message when they cannot be used."""
    if (cert_file is None) != (key_file is None):
        raise TlsFilesError("half_pair")
    if cert_file is not None and ca_file is None:
        raise TlsFilesError("cert_without_ca")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file is not None:
        check_readable("ca_file", ca_file)
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise TlsFilesError("bad_ca", path=ca_file, reason=_reason(exc)) from None
    if cert_file is not None and key_file is not None:
        check_readable("cert_file", cert_file)
        check_readable("key_file", key_file)
        try:
            context.load_cert_chain(str(cert_file), str(key_file), password=_no_passphrase)
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise TlsFilesError("bad_pair", cert=cert_file, key=key_file, reason=_reason(exc)) from None


def explain_connect_error(exc: BaseException, url: str) -> str | None:
    """A clear vi/en message for a failed TLS handshake with the broker; None for other failures."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_code in _NAME_MISMATCH:
        return str(TlsFilesError("wrong_host", url=url, reason=_reason(exc)))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return str(TlsFilesError("untrusted", url=url, reason=_reason(exc)))
    if isinstance(exc, ssl.SSLError) and "ALERT" in str(exc.reason or "").upper():
        # the broker sent a TLS alert: it refused this client (e.g. TLSV13_ALERT_CERTIFICATE_REQUIRED)
        return str(TlsFilesError("refused_tls", url=url, reason=_reason(exc)))
    return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message)
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    return str(exc) or type(exc).__name__
