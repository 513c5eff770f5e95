"""TikTok tokens encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key is TOKEN_ENCRYPTION_KEY when set (a Fernet key), otherwise derived from SESSION_SECRET with
HKDF, so a copy of the database alone reveals no token.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret: str) -> bytes:
    assert secret, "a secret is needed to derive the token key"
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"beanhop tiktok tokens")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


class TokenBox:
    """Encrypts and decrypts the TikTok tokens stored on a player."""

    # Decrypted tokens by their sealed form (same key, same ciphertext: same token), so a player's
    # every order does not pay for an HMAC check and an AES decryption. Bounded: cleared when full.
    CACHE_SIZE = 4096

    def __init__(self, key: bytes | str) -> None:
        self._fernet = Fernet(key)
        self._opened: dict[str, str] = {}

    @classmethod
    def from_secret(cls, secret: str, explicit_key: str | None = None) -> TokenBox:
        return cls(explicit_key.encode() if explicit_key else derive_key(secret))

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def open(self, sealed: str | None) -> str | None:
        """The token, or None when missing or unreadable (a rotated key: the player logs in)."""
        if not sealed:
            return None
        token = self._opened.get(sealed)
        if token is not None:
            return token
        try:
            token = self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            return None
        if len(self._opened) >= self.CACHE_SIZE:
            self._opened.clear()
        self._opened[sealed] = token
        return token
