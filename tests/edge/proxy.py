"""A real Varnish in front of a test server, configured by the repository's deploy/varnish/newsdesk.vcl."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import _free_port, _wait_for_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "varnish"

BACKENDS = """
backend app {{ .host = "127.0.0.1"; .port = "{app_port}"; }}
backend live {{ .host = "127.0.0.1"; .port = "{live_port}"; .first_byte_timeout = 3600s; .between_bytes_timeout = 3600s; }}
backend beacons {{ .host = "127.0.0.1"; .port = "{beacon_port}"; }}
acl purgers {{ "127.0.0.1"; }}
sub newsdesk_backend {{
    if (req.url ~ "^/live/stream") {{ set req.backend_hint = live; }}
    elsif (req.url ~ "^/analytics/read") {{ set req.backend_hint = beacons; }}
    else {{ set req.backend_hint = app; }}
}}
"""


def require_varnish() -> str:
    binary = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.path.exists("/usr/sbin/varnishd") else None
    )
    # newsdesk.vcl soft-purges with vmod_xkey, which Debian ships in 'varnish-modules'.
    if binary and glob.glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so") + glob.glob(
        "/usr/lib/varnish*/vmods/libvmod_xkey.so"
    ):
        return binary
    if os.environ.get("CI"):
        pytest.fail(
            "varnishd and vmod_xkey are required in CI (Debian packages 'varnish varnish-modules', see .ci/run)"
        )
    pytest.skip("proxy tests need Varnish with vmod_xkey (Debian packages 'varnish' and 'varnish-modules')")


@dataclass
class Response:
    status: int
    headers: dict
    body: str

    @property
    def cache(self) -> str:
        return self.headers.get("x-cache", "")


@dataclass
class Proxy:
    url: str

    def get(self, path: str, headers: dict | None = None) -> Response:
        """One request, redirects not followed (a redirect is a response the cache may keep too)."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with _OPENER.open(request, timeout=10) as response:
                return Response(response.status, _lower(response.headers), response.read().decode())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, _lower(exc.headers), exc.read().decode())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _lower(headers) -> dict:
    return {key.lower(): value for key, value in headers.items()}


@contextlib.contextmanager
def varnish_server(
    *,
    app_port: int,
    live_port: int | None = None,
    beacon_port: int | None = None,
    extra_args: tuple | list = (),
) -> Iterator[Proxy]:
    binary = require_varnish()
    root = tempfile.mkdtemp(prefix="newsdesk-varnish-")
    os.chmod(root, 0o755)  # noqa: S103 - varnishd drops to its own user when started as root
    Path(root, "backends.vcl").write_text(
        BACKENDS.format(
            app_port=app_port, live_port=live_port or app_port, beacon_port=beacon_port or app_port
        )
    )
    port = _free_port()
    args = [binary, "-F", "-n", os.path.join(root, "work"), "-a", f"127.0.0.1:{port}",
            "-f", str(DEPLOY / "newsdesk.vcl"), "-p", f"vcl_path={root}:{DEPLOY}", "-s", "malloc,64m",
            "-p", "default_grace=0", "-T", "none"]  # fmt: skip
    if os.geteuid() != 0:
        args += ["-j", "none"]
    args += list(extra_args)
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_port(port, proc)
        yield Proxy(url=f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
