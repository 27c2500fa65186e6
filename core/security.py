"""Security headers on every response; the host names served and the proxies believed."""

from flask import Flask, Response, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def register_security_headers(app: Flask) -> None:
    """Add CSP, anti-framing, nosniff and referrer policy headers; HSTS on HTTPS; no-store for a signed-in user."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:  # over plain http the header is ignored; behind a proxy, see PROXY_FIX_HOPS
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not _is_static_file() and current_user.is_authenticated:
            # A signed-in user's pages and files are theirs: no browser or shared cache may keep a copy.
            response.headers["Cache-Control"] = "no-store"
        return response


def _is_static_file() -> bool:
    """The request is for a static file (the app's or an extension's), which stays cacheable."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def serve_trusted_hosts_and_proxies(app: Flask) -> None:
    """Answer only the configured host names: TRUSTED_HOSTS, or else SERVER_NAME's host (another Host header gets
    400, so nothing is ever built from a forged one); and, behind PROXY_FIX_HOPS trusted reverse proxies, take the
    client's address and scheme from their X-Forwarded-For and X-Forwarded-Proto (never the host: see above)."""
    if app.config.get("SERVER_NAME") and not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [app.config["SERVER_NAME"]]
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
