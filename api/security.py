"""Security headers on every response, and per-response nonces for the pages' inline scripts.

Content-Security-Policy admits scripts and styles from the app itself only. The map page and
the API docs need inline scripts (Folium writes the map set-up inline; Swagger UI its start-up):
each response gets a fresh nonce, written into its inline ``<script>`` and ``<style>`` tags and
into the policy; ``'unsafe-inline'`` is never allowed for scripts.
"""

from __future__ import annotations

import re
import secrets

from starlette.datastructures import MutableHeaders

NONCE_PLACEHOLDER = "__ATLAS_CSP_NONCE__"
_INLINE_TAG = re.compile(r"<(script|style)(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)


def add_nonce_placeholders(html: str) -> str:
    """Mark every inline <script>/<style> tag (no src) for a nonce filled in per response."""
    return _INLINE_TAG.sub(lambda m: f'<{m.group(1)} nonce="{NONCE_PLACEHOLDER}"{m.group(2)}>', html)


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def policy(nonce: str | None = None, tile_origin: str | None = None) -> str:
    """The Content-Security-Policy: self only, plus ``nonce`` for inline page code and the
    configured basemap's origin for images."""
    allow = f" 'nonce-{nonce}'" if nonce else ""
    img = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
    return (
        "default-src 'self'; "
        f"script-src 'self'{allow}; style-src 'self'{allow}; img-src {img}; "
        "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


class SecurityHeaders:
    """ASGI middleware: nosniff, referrer policy, and a strict CSP unless the route set one."""

    #: Added unless the response has its own (raw ASGI header names and values).
    DEFAULTS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", policy().encode("latin-1")),
    )

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(pair for pair in self.DEFAULTS if pair[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class QueryStringGuard:
    """ASGI middleware: a query string that is not valid UTF-8 once percent-decoded gets a 400
    saying so, instead of being read with replacement characters."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("query_string"):
            from urllib.parse import unquote_to_bytes

            try:
                for part in scope["query_string"].split(b"&"):
                    unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                body = b'{"code":"InvalidParameterValue","description":"the query string is not valid UTF-8 after percent-decoding"}'
                await send({"type": "http.response.start", "status": 400, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
