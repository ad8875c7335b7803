from __future__ import annotations

import pytest

from pixie_web.guard import allowed_hosts, check_request

HOSTS = allowed_hosts("127.0.0.1", 7860)


def test_allowed_hosts_name_the_address_and_localhost_with_the_port() -> None:
    assert HOSTS == {"127.0.0.1:7860", "localhost:7860"}
    assert allowed_hosts("::1", 8080) == {"[::1]:8080", "localhost:8080"}
    assert allowed_hosts("127.0.0.1", 80) == {"127.0.0.1:80", "localhost:80", "127.0.0.1", "localhost"}


@pytest.mark.parametrize(
    ("method", "host", "origin", "fetch_site"),
    [
        ("GET", "127.0.0.1:7860", None, None),
        ("GET", "localhost:7860", None, None),
        ("GET", "LOCALHOST:7860", None, None),
        ("POST", "127.0.0.1:7860", None, None),  # curl and skills
        ("POST", "127.0.0.1:7860", "http://127.0.0.1:7860", "same-origin"),
        ("POST", "localhost:7860", "http://localhost:7860", None),
        ("DELETE", "127.0.0.1:7860", None, "none"),  # typed into the address bar / bookmarks
        ("PATCH", "127.0.0.1:7860", "http://localhost:7860", "same-origin"),
        ("POST", "127.0.0.1:7860", "null", "same-origin"),  # our own form in a page without a referrer
    ],
)
def test_accepted(method: str, host: str, origin: str | None, fetch_site: str | None) -> None:
    assert check_request(method, host, origin, fetch_site, HOSTS) is None


@pytest.mark.parametrize(
    ("method", "host", "origin", "fetch_site", "status", "code"),
    [
        ("GET", "evil.example", None, None, 400, "BAD_HOST"),  # DNS rebinding
        ("GET", "evil.example:7860", None, None, 400, "BAD_HOST"),
        ("GET", "127.0.0.1:9999", None, None, 400, "BAD_HOST"),
        ("GET", "127.0.0.1", None, None, 400, "BAD_HOST"),
        ("GET", "0.0.0.0:7860", None, None, 400, "BAD_HOST"),
        ("GET", None, None, None, 400, "BAD_HOST"),
        ("POST", "127.0.0.1:7860", "http://evil.example", None, 403, "CROSS_SITE"),
        ("POST", "127.0.0.1:7860", "null", None, 403, "CROSS_SITE"),
        ("POST", "127.0.0.1:7860", "null", "cross-site", 403, "CROSS_SITE"),  # a sandboxed page
        ("POST", "127.0.0.1:7860", "null", "same-site", 403, "CROSS_SITE"),
        ("POST", "127.0.0.1:7860", "http://127.0.0.1:9999", None, 403, "CROSS_SITE"),
        ("POST", "127.0.0.1:7860", "https://127.0.0.1:7860", None, 403, "CROSS_SITE"),
        ("POST", "127.0.0.1:7860", None, "cross-site", 403, "CROSS_SITE"),
        ("PUT", "127.0.0.1:7860", None, "same-site", 403, "CROSS_SITE"),
        ("DELETE", "127.0.0.1:7860", "http://evil.example", "cross-site", 403, "CROSS_SITE"),
    ],
)
def test_rejected(
    method: str, host: str | None, origin: str | None, fetch_site: str | None, status: int, code: str
) -> None:
    rejection = check_request(method, host, origin, fetch_site, HOSTS)
    assert rejection is not None
    assert (rejection.status, rejection.code) == (status, code)


def test_bad_host_message_names_the_host_and_the_right_address() -> None:
    rejection = check_request("GET", "evil.example", None, None, HOSTS)
    assert rejection is not None
    assert rejection.message == "Host 'evil.example' does not name this server; use http://127.0.0.1:7860"


@pytest.mark.parametrize(
    ("method", "path", "fetch_site", "mode", "dest", "accepted"),
    [
        ("GET", "/tool/lorenz", "cross-site", "navigate", "document", True),  # a link from elsewhere
        ("HEAD", "/", "same-site", "navigate", "document", True),
        ("GET", "/tool/lorenz", "same-origin", "cors", "empty", True),  # Pixie's own pages
        ("GET", "/api/tools/x/validate", "none", "navigate", "document", True),  # typed in
        ("GET", "/api/tools/x/validate", None, None, None, True),  # curl and skills
        ("GET", "/api/tools/x/validate", "cross-site", "no-cors", "image", False),  # an <img>
        ("GET", "/api/tools/x/validate", "cross-site", "navigate", "document", False),  # the API
        ("GET", "/api", "cross-site", "navigate", "document", False),
        ("GET", "/tool/x/autocomplete/q", "cross-site", "cors", "empty", False),  # fetch()
        ("GET", "/tool/lorenz", "cross-site", "navigate", "iframe", False),  # framed
        ("GET", "/assets/pixie.js", "same-site", "no-cors", "script", False),
        ("OPTIONS", "/api/tools", "cross-site", "cors", "empty", False),
    ],
)
def test_reads_from_other_sites_are_only_links_to_pages(
    method: str, path: str, fetch_site: str | None, mode: str | None, dest: str | None, accepted: bool
) -> None:
    rejection = check_request(
        method, "127.0.0.1:7860", None, fetch_site, HOSTS, path=path, fetch_mode=mode, fetch_dest=dest
    )
    assert (rejection is None) is accepted
    if rejection is not None:
        assert (rejection.status, rejection.code) == (403, "CROSS_SITE")
