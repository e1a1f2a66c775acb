"""Keys, CSRs and certificate fingerprints both sides of enrolment use (the CA itself is the server's).

Keys are ECDSA P-256: generating one takes milliseconds on a Pi, so enrolment stays fast. A certificate's
fingerprint is the SHA-256 of its DER, lowercase hex; the site CA's is announced over zeroconf and printed in
the enrolment QR code, and a device trusts the CA only when it matches.
"""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["CURVE_NAME", "fingerprint", "fingerprint_of_pem", "key_pem", "new_key", "new_key_and_csr"]

CURVE_NAME = "secp256r1"


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER, lowercase hex (64 characters)."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def fingerprint_of_pem(pem: str | bytes) -> str:
    """The fingerprint of a PEM certificate."""
    data = pem.encode() if isinstance(pem, str) else pem
    return fingerprint(x509.load_pem_x509_certificate(data))


def new_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 private key."""
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The private key as unencrypted PKCS#8 PEM (stored 0600)."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def new_key_and_csr(common_name: str) -> tuple[bytes, bytes]:
    """A fresh P-256 key and a CSR for it (what a device generates itself): (key PEM, CSR PEM)."""
    key = new_key()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "motcua-device")]))
        .sign(key, hashes.SHA256())
    )
    return key_pem(key), csr.public_bytes(serialization.Encoding.PEM)
