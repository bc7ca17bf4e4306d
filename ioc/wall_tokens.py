"""Read-only wall-display tokens: created, listed and revoked by an administrator, checked by the wall.

A token is a random secret put in the wall's URL (`/wall?token=…`). Only its SHA-256 is stored: the secret
has 192 random bits, so a fast hash is enough (nothing to guess, nothing to brute-force), and a copy of the
database never yields a working link. The secret is shown once, when it is created. Revoking keeps the row
(who, when), so a revoked link is recognised and the wall can say so instead of showing a form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, insert, select, update

from ioc.store import utcnow, wall_tokens, write_transaction

_TOKEN_BYTES = 24  # 192 bits → 32 URL-safe characters
_PREFIX_LEN = 6
# A fixed context string, so a wall token's hash never equals a hash of the same text used elsewhere.
_HASH_CONTEXT = b"ioc-wall-token:"


class TokenState(StrEnum):
    """What a token in a wall URL turned out to be."""

    VALID = "valid"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # no such token (mistyped, or from another installation)
    MISSING = "missing"  # the URL carries no token


@dataclass(frozen=True)
class WallToken:
    """One wall link as the administrator sees it (never the secret itself)."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class TokenError(ValueError):
    """An administrator's request that cannot be done (empty name, unknown id)."""


def new_secret() -> str:
    """A fresh random token, URL-safe."""
    return secrets.token_urlsafe(_TOKEN_BYTES)


def hash_token(secret: str) -> str:
    """The SHA-256 (hex) stored for `secret`."""
    return hashlib.sha256(_HASH_CONTEXT + secret.strip().encode("utf-8")).hexdigest()


def _row_to_token(row) -> WallToken:  # type: ignore[no-untyped-def]
    return WallToken(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        created_by=row.created_by,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
    )


def create_token(engine: Engine, name: str, who: str) -> tuple[WallToken, str]:
    """Create a wall token named `name`; return it and its secret (shown once, never stored)."""
    name = name.strip()
    if not name:
        raise TokenError("a wall token needs a name, e.g. --name 'TV phòng điều hành'")
    secret = new_secret()
    with write_transaction(engine) as conn:
        new_id = conn.execute(
            insert(wall_tokens).values(
                name=name,
                token_sha256=hash_token(secret),
                prefix=secret[:_PREFIX_LEN],
                created_at=utcnow(),
                created_by=who,
            )
        ).inserted_primary_key[0]
        row = conn.execute(select(wall_tokens).where(wall_tokens.c.id == new_id)).one()
    return _row_to_token(row), secret


def list_tokens(engine: Engine) -> list[WallToken]:
    """Every wall token ever created, oldest first, revoked ones included."""
    with engine.connect() as conn:
        rows = conn.execute(select(wall_tokens).order_by(wall_tokens.c.id)).all()
    return [_row_to_token(r) for r in rows]


def revoke_token(engine: Engine, token_id: int, who: str) -> WallToken:
    """Revoke token `token_id` (a wall showing it turns to "link revoked" at its next check).

    Revoking an already revoked token changes nothing and returns it as it is.
    """
    with write_transaction(engine) as conn:
        row = conn.execute(select(wall_tokens).where(wall_tokens.c.id == token_id)).one_or_none()
        if row is None:
            raise TokenError(f"no wall token with id {token_id} (see `python -m ioc wall-token list`)")
        if row.revoked_at is None:
            conn.execute(
                update(wall_tokens)
                .where(wall_tokens.c.id == token_id)
                .values(revoked_at=utcnow(), revoked_by=who)
            )
            row = conn.execute(select(wall_tokens).where(wall_tokens.c.id == token_id)).one()
    return _row_to_token(row)


def check_token(engine: Engine, secret: str | None) -> TokenState:
    """Whether `secret` (from a wall URL) is a valid, revoked or unknown token, or missing."""
    if secret is None or not secret.strip():
        return TokenState.MISSING
    digest = hash_token(secret)
    with engine.connect() as conn:
        row = conn.execute(
            select(wall_tokens.c.token_sha256, wall_tokens.c.revoked_at).where(
                wall_tokens.c.token_sha256 == digest
            )
        ).one_or_none()
    # the lookup is by hash; the constant-time comparison is belt and braces
    if row is None or not hmac.compare_digest(row.token_sha256, digest):
        return TokenState.UNKNOWN
    return TokenState.REVOKED if row.revoked_at is not None else TokenState.VALID
