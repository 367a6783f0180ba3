"""Partner keys: generated strong, stored as salted PBKDF2 hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ITERATIONS = 20_000
MIN_KEY_LENGTH = 16


def generate_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(key: str, *, iterations: int = ITERATIONS) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", key.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_key(key: str, stored: str) -> bool:
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac(
            "sha256", key.encode(), bytes.fromhex(salt_hex), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, bytes.fromhex(digest_hex))
