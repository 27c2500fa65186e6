"""Absolute links for mails and feeds, built from the configured base URL only.

Inside a request Flask's `url_for(..., _external=True)` takes the scheme and path prefix from the request, and the host
from its Host header when SERVER_NAME is not set: anyone can send a Host header, and a password-reset link pointing
to their host hands them the token. Outside a request (the CLI, cron) it fails unless SERVER_NAME is set. Links that
leave the portal are therefore built here, the same way in both, from SERVER_NAME, PREFERRED_URL_SCHEME and
APPLICATION_ROOT.
"""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: object) -> str:
    """The absolute URL of an endpoint (`external_url("projects.detail", project_id=3)`), whatever request is running;
    RuntimeError when SERVER_NAME is not configured, rather than a link to a host nobody reaches."""
    config = current_app.config
    if not config.get("SERVER_NAME"):
        raise RuntimeError(
            "SERVER_NAME is not configured: links in mails need the portal's public host name "
            "(set SERVER_NAME and PREFERRED_URL_SCHEME, see README, Configuration)"
        )
    adapter = current_app.url_map.bind(
        config["SERVER_NAME"], script_name=config["APPLICATION_ROOT"], url_scheme=config["PREFERRED_URL_SCHEME"]
    )
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def internal_path(url: str) -> str:
    """The path (and query) of an absolute portal link, for links kept inside the portal (a notice's)."""
    return urlsplit(url)._replace(scheme="", netloc="").geturl()
