"""`newsdesk backup` and `newsdesk restore`, as an operator runs them: a backup taken while stories are being
written restores into a fresh data folder with everything committed before it started; damaged, truncated,
newer-schema archives and occupied targets are refused with their reason, and nothing is changed."""

from __future__ import annotations

import hashlib
import io
import json
import random
import tarfile
from pathlib import Path

import pytest

from newsdesk.ops.backup import MANIFEST, SQLITE_MEMBER, backups_prune
from tests.stack.stack import wait_for

from .sites import Site

HERE = Path(__file__).parent
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _committed(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


@pytest.fixture(scope="module")
def taken(tmp_path_factory):
    """A site with stories and a photo, backed up while a writer adds stories one transaction at a time."""
    root = tmp_path_factory.mktemp("backup")
    site = Site(root / "site")
    site.run("migrate", "--no-input", "-v0")
    (site.data / "media" / "photos").mkdir(parents=True)
    (site.data / "media" / "photos" / "talks.png").write_bytes(PHOTO)
    committed, stop = root / "committed.txt", root / "stop"
    writer = site.python(HERE / "writer.py", str(committed), str(stop))
    try:
        wait_for(lambda: len(_committed(committed)) >= 30, what="the writer's first stories", timeout=120)
        before = _committed(committed)  # committed before the backup starts: all must be in it
        archive = root / "site.tar"
        site.run("backup", str(archive))
        wait_for(lambda: len(_committed(committed)) >= len(before) + 5, what="more stories after the backup")
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read().decode()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    return {"site": site, "archive": archive, "before": before, "manifest": manifest, "root": root}


def test_a_backup_taken_during_writes_restores_everything_committed_before_it(taken, tmp_path):
    site, manifest = taken["site"], taken["manifest"]
    fresh = Site(tmp_path / "fresh")
    done = fresh.run("restore", str(taken["archive"]))
    assert "restored" in done.stdout
    restored_ids = {row[0] for row in fresh.query("SELECT id FROM news_article")}
    assert set(taken["before"]) <= restored_ids
    # The archive is one moment: its counts are the restored site's, and fewer than the writer reached.
    assert len(restored_ids) == manifest["counts"]["news_article"]
    assert len(restored_ids) < len(_committed(taken["root"] / "committed.txt"))
    for table in ("auth_user", "news_section", "search_searchdocument", "pipeline_change"):
        assert fresh.query(f"SELECT COUNT(*) FROM {table}")[0][0] == manifest["counts"][table], table
    columns = "id, headline, slug, lead, body, status, publish_at, section_id, public_id"
    for article_id in random.Random(7).sample(sorted(restored_ids), 10):
        sql = f"SELECT {columns} FROM news_article WHERE id = ?"
        assert fresh.query(sql, (article_id,)) == site.query(sql, (article_id,))
    assert (fresh.data / "media" / "photos" / "talks.png").read_bytes() == PHOTO
    assert (fresh.data / "secret_key").read_text() == (site.data / "secret_key").read_text()
    # The restored site works: its schema is this code's, and it answers a page.
    assert "[ ]" not in fresh.run("showmigrations", "news").stdout
    fresh.run("collectstatic", "--no-input", "-v0")  # built from the code, not part of a backup
    check = "from django.test import Client; print(Client(HTTP_HOST='127.0.0.1').get('/news/').status_code)"
    assert fresh.run("shell", "-c", check).stdout.split()[-1] == "200"


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive member by member; ``change(name, data)`` returns the bytes to write instead."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def _digest(folder: Path) -> dict[str, str]:
    """The site's own files: its database and media (not the queue or keys every command makes at start)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (path.name == "newsdesk.sqlite3" or "media" in path.relative_to(folder).parts)
    }


def _refused(archive: Path, target: Site, reason: str) -> None:
    before = _digest(target.data) if target.data.exists() else {}
    done = target.run("restore", str(archive), check=False)
    assert done.returncode != 0, done.stdout
    assert reason in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    after = _digest(target.data)
    assert after == before, "a refused restore changed the target"
    assert not target.db.exists() or before


def test_a_truncated_archive_is_refused(taken, tmp_path):
    data = taken["archive"].read_bytes()
    with tarfile.open(taken["archive"]) as tar:
        members = {member.name: member for member in tar.getmembers()}
    database, manifest = members[SQLITE_MEMBER], members[MANIFEST]
    # Cut inside the database, and inside the manifest (every other member whole).
    for cut in (database.offset_data + database.size // 2, manifest.offset_data + manifest.size // 2):
        truncated = tmp_path / f"cut-{cut}.tar"
        truncated.write_bytes(data[:cut])
        _refused(truncated, Site(tmp_path / f"fresh-{cut}"), "truncated")


def test_an_archive_whose_member_does_not_match_its_checksum_is_refused(taken, tmp_path):
    damaged = tmp_path / "damaged.tar"

    def flip(name: str, data: bytes) -> bytes:
        if name != SQLITE_MEMBER:
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    _rewrite(taken["archive"], damaged, flip)
    _refused(damaged, Site(tmp_path / "fresh"), f"{SQLITE_MEMBER} does not match its checksum")


def test_an_archive_from_a_newer_schema_is_refused(taken, tmp_path):
    newer = tmp_path / "newer.tar"

    def future(name: str, data: bytes) -> bytes:
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["migrations"]["news"].append("0999_from_a_later_release")
        return json.dumps(manifest).encode()

    _rewrite(taken["archive"], newer, future)
    _refused(newer, Site(tmp_path / "fresh"), "newer schema")
    done = Site(tmp_path / "fresh").run("restore", str(newer), check=False)
    assert "news.0999_from_a_later_release" in done.stderr


def test_a_site_that_holds_data_is_not_overwritten_without_force(taken, tmp_path):
    target = Site(tmp_path / "occupied")
    target.run("restore", str(taken["archive"]))
    target.run("shell", "-c", "from tests.factories import ArticleFactory; ArticleFactory(slug='kept-aside')")
    _refused(taken["archive"], target, "already holds data")
    done = target.run("restore", "--force", str(taken["archive"]))
    assert "kept in" in done.stdout
    assert target.query("SELECT COUNT(*) FROM news_article WHERE slug = 'kept-aside'")[0][0] == 0
    aside = next(target.data.glob("before-restore-*"))
    kept = Site(target.data)
    kept.data = aside
    assert kept.query("SELECT COUNT(*) FROM news_article WHERE slug = 'kept-aside'")[0][0] == 1


def test_retention_keeps_the_newest_archives(tmp_path):
    names = [f"newsdesk-backup-2026120{day}-031700.tar" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "other.tar").write_bytes(b"x")
    removed = backups_prune(folder=tmp_path, keep=2)
    assert sorted(path.name for path in removed) == names[:3]
    assert sorted(path.name for path in tmp_path.iterdir()) == [*names[3:], "other.tar"]


def test_the_scheduled_backup_writes_into_its_folder_and_keeps_the_newest(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    older = [folder / f"newsdesk-backup-2020010{day}-033000.tar" for day in (1, 2, 3)]
    for path in older:
        path.write_bytes(b"an older archive")
    site = Site(tmp_path / "site", NEWSDESK_BACKUP_DIR=str(folder), NEWSDESK_BACKUP_KEEP="2")
    site.run("migrate", "--no-input", "-v0")
    script = (
        "from newsdesk.ops import services, tasks\n"
        "assert tasks.backup_job.name == 'ops.backup'\n"
        "print(services.backup_scheduled())\n"
    )
    written = Path(site.run("shell", "-c", script).stdout.split()[-1])
    assert sorted(folder.iterdir()) == [older[-1], written]
    with tarfile.open(written) as tar:
        assert json.loads(tar.extractfile(MANIFEST).read())["counts"]["news_section"] > 0


def test_a_postgresql_site_is_dumped_and_restored_whole_into_another_database(tmp_path):
    import psycopg

    from tests.servers import postgres_server, server_missing

    try:
        server = postgres_server()
        url = server.__enter__()
    except FileNotFoundError as exc:
        server_missing("PostgreSQL", exc, "the PostgreSQL backup test needs Debian's postgresql-15")
    try:
        from .restartable import wait_accepting

        wait_accepting(url)
        base = url.rsplit("/", 1)[0]
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE site_a")
            conn.execute("CREATE DATABASE site_b")
        one = Site(tmp_path / "one", DATABASE_URL=f"{base}/site_a")
        one.run("migrate", "--no-input", "-v0")
        one.run(
            "shell", "-c", "from tests.factories import ArticleFactory\nfor n in range(12): ArticleFactory()"
        )
        archive = tmp_path / "pg.tar.gz"
        assert "pg_dump" in one.run("backup", str(archive)).stdout
        other = Site(tmp_path / "other", DATABASE_URL=f"{base}/site_b")
        other.run("migrate", "--no-input", "-v0")  # an empty site, as `make run` leaves one: no data to lose
        other.run("restore", str(archive))
        columns = "id, headline, slug, body, status, publish_at, public_id"
        rows = {}
        for name in ("site_a", "site_b"):
            with psycopg.connect(f"{base}/{name}") as conn:
                rows[name] = conn.execute(f"SELECT {columns} FROM news_article ORDER BY id").fetchall()
        assert len(rows["site_a"]) == 12 and rows["site_b"] == rows["site_a"]
        # Restoring again over data needs --force, and is then one transaction that replaces it.
        done = other.run("restore", str(archive), check=False)
        assert done.returncode != 0 and "already holds data (12 articles" in done.stderr
        other.run("restore", "--force", str(archive))
        with psycopg.connect(f"{base}/site_b") as conn:
            assert conn.execute("SELECT COUNT(*) FROM news_article").fetchone()[0] == 12
        sqlite_site = Site(tmp_path / "sqlite")
        done = sqlite_site.run("restore", str(archive), check=False)
        assert done.returncode != 0 and "holds a postgresql database; this site runs on sqlite" in done.stderr
    finally:
        server.__exit__(None, None, None)


def test_a_swap_that_fails_midway_puts_everything_back(tmp_path, monkeypatch, settings):
    """The last step of a restore moves the current database and media aside and the restored ones in; when a
    rename fails after the database is in place, the database is put back too: never half a restore."""
    import os

    from newsdesk.ops import backup

    db, media = tmp_path / "site" / "newsdesk.sqlite3", tmp_path / "site" / "media"
    media.mkdir(parents=True)
    db.write_bytes(b"the current database")
    Path(f"{db}-wal").write_bytes(b"its WAL")
    (media / "old.png").write_bytes(b"the current photo")
    stage, staged_media = tmp_path / "stage", tmp_path / "staged-media"
    stage.mkdir()
    staged_media.mkdir()
    (stage / SQLITE_MEMBER).write_bytes(b"the restored database")
    (staged_media / "new.png").write_bytes(b"the restored photo")
    monkeypatch.setattr(backup, "_sqlite_path", lambda: db)
    settings.MEDIA_ROOT = media
    real = os.replace

    def failing(source, target):
        if Path(source) == staged_media:
            raise OSError("disk full")
        return real(source, target)

    monkeypatch.setattr(backup.os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        backup._sqlite_swap(stage, staged_media, "20261204-000000", None)
    assert db.read_bytes() == b"the current database"
    assert Path(f"{db}-wal").read_bytes() == b"its WAL"
    assert sorted(p.name for p in media.iterdir()) == ["old.png"]
    assert not list(db.parent.glob("*before-restore*"))
