"""The site's certificate authority (created at first start), server certificates and device certificates.

Keys are ECDSA P-256 (``motcua.runtime.pki``). The CA's fingerprint (SHA-256 of its DER) is announced over
zeroconf and printed in the enrolment QR code; a device trusts the CA only when the fingerprint matches.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from motcua.runtime.files import private_dir, write_private
from motcua.runtime.pki import CURVE_NAME, fingerprint, key_pem, new_key, new_key_and_csr

logger = logging.getLogger(__name__)

CA_DAYS = 3650
LEAF_DAYS = 825
RENEW_BEFORE = timedelta(days=30)


@dataclass(frozen=True)
class IssuedCert:
    """A certificate signed by the site CA."""

    pem: str
    serial: str
    fingerprint: str


class SiteCA:
    """The CA of one site, stored in ``directory`` (ca.pem public, ca.key 0600)."""

    def __init__(self, directory: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        self.directory = directory
        self.cert = cert
        self.key = key

    @classmethod
    def load_or_create(cls, directory: Path, site_id: str, now: datetime | None = None) -> SiteCA:
        """Load the CA from ``directory``, creating it on first start."""
        private_dir(directory)
        cert_path, key_path = directory / "ca.pem", directory / "ca.key"
        if cert_path.exists() and key_path.exists():
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise ValueError(f"{key_path} is not an EC key")
            return cls(directory, cert, key)
        moment = now or datetime.now(UTC)
        key = new_key()
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "motcua"),
                x509.NameAttribute(NameOID.COMMON_NAME, f"motcua site CA {site_id}"[:64]),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(moment - timedelta(minutes=5))
            .not_valid_after(moment + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        write_private(key_path, key_pem(key))
        write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
        logger.info("created the site CA in %s (fingerprint %s)", directory, fingerprint(cert))
        return cls(directory, cert, key)

    @property
    def fingerprint(self) -> str:
        """SHA-256 fingerprint of the CA certificate."""
        return fingerprint(self.cert)

    @property
    def pem(self) -> str:
        """The CA certificate, PEM."""
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def cert_path(self) -> Path:
        """Path of ca.pem."""
        return self.directory / "ca.pem"

    def _leaf(
        self,
        subject: x509.Name,
        public_key: ec.EllipticCurvePublicKey,
        usage: x509.ObjectIdentifier,
        san: list[x509.GeneralName],
        now: datetime,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=LEAF_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(self.key, hashes.SHA256())

    def server_cert(self, hosts: list[str], name: str = "server", now: datetime | None = None) -> tuple[Path, Path]:
        """(cert, key) paths of a TLS server certificate for ``hosts`` (names or IPs); reused while valid."""
        moment = now or datetime.now(UTC)
        cert_path, key_path = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        wanted = sorted(set(hosts))
        if cert_path.exists() and key_path.exists():
            current = x509.load_pem_x509_certificate(cert_path.read_bytes())
            names = current.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            have = sorted(
                {str(v) for v in names.get_values_for_type(x509.IPAddress)}
                | set(names.get_values_for_type(x509.DNSName))
            )
            fresh = current.not_valid_after_utc - RENEW_BEFORE > moment
            if have == wanted and fresh and current.issuer == self.cert.subject:
                return cert_path, key_path
        key = new_key()
        san: list[x509.GeneralName] = []
        for host in wanted:
            try:
                san.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                san.append(x509.DNSName(host))
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, wanted[0] if wanted else "motcua")])
        cert = self._leaf(subject, key.public_key(), ExtendedKeyUsageOID.SERVER_AUTH, san, moment)
        write_private(key_path, key_pem(key))
        write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
        return cert_path, key_path

    def client_cert(self, name: str, now: datetime | None = None) -> tuple[Path, Path]:
        """(cert, key) paths of a client certificate with CN ``name`` (the server's own broker connection)."""
        key_pem, csr_pem = new_key_and_csr(name)
        issued = self.sign_csr(csr_pem.decode(), name, "server", now)
        cert_path, key_path = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        write_private(key_path, key_pem)
        write_private(cert_path, issued.pem, mode=0o644)
        return cert_path, key_path

    def sign_csr(self, csr_pem: str, device_id: str, role: str, now: datetime | None = None) -> IssuedCert:
        """A client certificate for a device's own key: CN = device id, OU = role (the CSR's subject is ignored)."""
        try:
            csr = x509.load_pem_x509_csr(csr_pem.encode())
        except ValueError:
            raise ValueError("the CSR is not a valid PEM certificate request") from None
        if not csr.is_signature_valid:
            raise ValueError("the CSR's signature does not match its key")
        public_key = csr.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or public_key.curve.name != CURVE_NAME:
            raise ValueError("the CSR must carry an ECDSA P-256 key")
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
                x509.NameAttribute(NameOID.COMMON_NAME, device_id),
            ]
        )
        cert = self._leaf(subject, public_key, ExtendedKeyUsageOID.CLIENT_AUTH, [], now or datetime.now(UTC))
        return IssuedCert(
            cert.public_bytes(serialization.Encoding.PEM).decode(), format(cert.serial_number, "x"), fingerprint(cert)
        )
