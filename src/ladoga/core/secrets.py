"""Secrets kept in the database (mail account passwords): encrypted with Fernet
(AES-128-CBC + HMAC-SHA256, from `cryptography`), never stored in plain text.

The key is LADOGA_ENCRYPTION_KEY when set (a Fernet key, or any text, which is then stretched
with HKDF), else it is derived from the secret key with HKDF-SHA256. Changing the key (or the
secret key, when no encryption key is set) makes the stored secrets unreadable:
`secret_decrypt` raises SecretUnreadable and the owner has to enter them again.
"""

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"ladoga: secrets at rest"


class SecretUnreadable(Exception):
    """The stored secret was encrypted with another key, or is damaged."""


def _derived(material: str) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        material.encode()
    )
    return base64.urlsafe_b64encode(key)


def _fernet() -> Fernet:
    configured = getattr(settings, "ENCRYPTION_KEY", "")
    if configured:
        try:
            if len(base64.urlsafe_b64decode(configured.encode())) == 32:
                return Fernet(configured.encode())
        except (binascii.Error, ValueError):
            pass
        return Fernet(_derived(configured))
    return Fernet(_derived(settings.SECRET_KEY))


def secret_encrypt(plain: str) -> str:
    """The text to store for `plain` (ASCII, different at every call)."""
    return _fernet().encrypt(plain.encode()).decode()


def secret_decrypt(stored: str) -> str:
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except (InvalidToken, UnicodeDecodeError) as error:
        raise SecretUnreadable from error
