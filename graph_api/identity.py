"""Who is calling: every surface asks :func:`caller_of` and passes the caller to the visibility rule.

Requests are anonymous unless they carry ``Authorization: Bearer <token>`` naming a configured identity
(``YUANSHU_API_TOKENS`` / ``api_tokens`` in yuanshu.toml: ``{"<token>": "admin"}`` or
``{"<token>": "staff:<department IRI>"}``). The access-control work replaces the token table with real
authentication; the surfaces keep calling :func:`caller_of`.
"""

from __future__ import annotations

from fastapi import Request

from yuanshu.visibility import ADMIN, ANONYMOUS, Caller, Role


class UnknownTokenError(ValueError):
    """A bearer token that names no identity (answered 401)."""


def parse_identity(identity: str) -> Caller:
    """``admin`` or ``staff:<department IRI>`` → the caller."""
    if identity == "admin":
        return ADMIN
    role, _, department = identity.partition(":")
    if role == "staff":
        return Caller(Role.STAFF, department or None)
    raise ValueError(f"未知身份 “{identity}” / unknown identity (use 'admin' or 'staff:<department IRI>')")


def caller_of(request: Request) -> Caller:
    """The caller of a request (anonymous without a bearer token)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ANONYMOUS
    identity = request.app.state.runtime.settings.api_tokens.get(token.strip())
    if identity is None:
        raise UnknownTokenError("无效的访问令牌 / invalid access token")
    return parse_identity(identity)
