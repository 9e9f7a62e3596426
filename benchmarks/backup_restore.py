"""Backup and restore time per 100,000 articles (`newsdesk backup` / `newsdesk restore`, newsdesk/ops/backup.py),
beside copying the same database file (the disk's own floor), in one run.

The archive: BENCH_BACKUP_ARTICLES (default 100,000) Reuters-21578 stories with their search documents, built
once by ingest_bench.load_archive and kept in the temp dir (shared with ingest_bench), then brought to this
code's schema. Timed inside each command's process (Django's start not included): the backup (SQLite's online
backup of the whole file, the manifest's counts, the tar with checksums), and the restore into an empty data
folder (every member extracted and checked, SQLite's quick_check, the counts compared, the swap). Each best of
ROUNDS. Figures scaled to 100,000 articles when another size is measured.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.ingest_bench import CORPUS, ROOT, _archive_template, _env

ROUNDS = 2
CHILD = r"""
import json, sys, time
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from newsdesk.ops import backup
what, archive = sys.argv[1], Path(sys.argv[2])
if what == "backup":
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    result = backup.backup_create(dest=archive)
    print(json.dumps({"seconds": time.perf_counter() - started, "articles": result.manifest["counts"]["news_article"],
                      "bytes": archive.stat().st_size}))
else:
    started = time.perf_counter()
    manifest = backup.backup_restore(src=archive)
    print(json.dumps({"seconds": time.perf_counter() - started, "articles": manifest["counts"]["news_article"]}))
"""


def _child(what: str, data: Path, archive: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, what, str(archive)], env=_env(data, {}), cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"{what} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpora sit beside the project)")
        return
    count = int(os.environ.get("BENCH_BACKUP_ARTICLES", "100000"))
    template = _archive_template(count, {})
    with tempfile.TemporaryDirectory(prefix="newsdesk-backup-bench-") as tmp:
        site = Path(tmp) / "site"
        (site / "static").mkdir(parents=True)
        shutil.copy(template, site / "newsdesk.sqlite3")
        archive = Path(tmp) / "site.tar"
        backups, restores, copies = [], [], []
        for n in range(ROUNDS):
            archive.unlink(missing_ok=True)
            backups.append(_child("backup", site, archive))
            fresh = Path(tmp) / f"fresh-{n}"
            fresh.mkdir()
            restores.append(_child("restore", fresh, archive))
            started = time.perf_counter()
            shutil.copyfile(site / "newsdesk.sqlite3", Path(tmp) / "copy.sqlite3")
            copies.append(time.perf_counter() - started)
            shutil.rmtree(fresh)
        articles = backups[0]["articles"]
        scale = 100_000 / articles
        best_backup = min(b["seconds"] for b in backups)
        best_restore = min(r["seconds"] for r in restores)
        best_copy = min(copies)
        size = (site / "newsdesk.sqlite3").stat().st_size
        print(f"{articles:,} articles, database {size / 1e6:,.0f} MB, archive {backups[0]['bytes'] / 1e6:,.0f} MB; "
              f"best of {ROUNDS}")  # fmt: skip
        print(f"  {'':<28}{'measured':>10}{'per 100,000':>14}")
        for label, seconds in (("backup", best_backup), ("restore (checked, swapped)", best_restore),
                               ("reference: copy the file", best_copy)):  # fmt: skip
            print(f"  {label:<28}{seconds:>9.2f}s{seconds * scale:>13.2f}s")
        print(f"  backup = {best_backup / best_copy:.1f}x a plain copy of the database file")


if __name__ == "__main__":
    main()
