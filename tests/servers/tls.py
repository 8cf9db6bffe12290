"""A throwaway certificate for 127.0.0.1, so the TLS and STARTTLS modes are tested for real."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def available() -> bool:
    return shutil.which("openssl") is not None


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key; trust it with SSL_CERT_FILE=<cert>."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o644)  # Dovecot reads it as root at start; the temp dir is private anyway
    return cert, key
