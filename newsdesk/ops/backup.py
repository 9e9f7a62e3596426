"""Backups that restore: one tar archive holding the database, the media files, the generated secret key and a
manifest (what schema the database is at, how many rows each table has, the size and SHA-256 of every member).

* SQLite is copied with its online backup API in one step: a consistent snapshot of the committed state, taken
  while the site serves and the worker writes (WAL readers never block writers).
* PostgreSQL is dumped with ``pg_dump`` (custom format) inside a REPEATABLE READ snapshot that the manifest's
  counts are read from too, so counts and dump describe the same moment.

A restore checks the whole archive before it touches anything: every member is extracted next to its target and
its checksum compared; an archive that is truncated, damaged, from another database engine or from a newer schema
(migrations this code does not know) is refused with its reason. Then the current files are moved aside and the
restored ones moved into place by renames (SQLite), or the dump is restored in one transaction (PostgreSQL):
a failure midway puts everything back. Nothing is ever half restored.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from django.apps import apps
from django.conf import settings
from django.db import connections

if TYPE_CHECKING:
    import psycopg

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
SECRET_MEMBER = "secret_key"  # noqa: S105 - a member's name, not a secret
MEDIA_PREFIX = "media/"
ARCHIVE_PREFIX = "newsdesk-backup-"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Result:
    path: Path
    manifest: dict


def _say(progress: Callable[[str], None] | None, line: str) -> None:
    if progress:
        progress(line)


def _engine() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups know SQLite and PostgreSQL, not {engine}.")


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _secret_file() -> Path | None:
    """The secret key generated into the data dir (sessions, signed cursors): part of the site, unless the
    environment sets SECRET_KEY (then the operator keeps it)."""
    path = Path(settings.DATA_DIR) / "secret_key"
    return path if path.is_file() and not os.environ.get("SECRET_KEY") else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    return sorted({model._meta.db_table for model in apps.get_models() if model._meta.managed})


def archive_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{ARCHIVE_PREFIX}{now:%Y%m%d-%H%M%S}.tar"


# Backup ------------------------------------------------------------------------------------------------------
def backup_create(*, dest: Path | str, progress: Callable[[str], None] | None = None) -> Result:
    """Write an archive to ``dest`` (a file, or a folder to name one in); returns its path and manifest.

    The archive appears under its name only once complete (written beside it, then renamed)."""
    folder = str(dest).endswith(("/", os.sep))  # before Path() drops the trailing separator
    dest = Path(dest)
    if dest.is_dir() or folder:
        dest.mkdir(parents=True, exist_ok=True)
        dest = dest / archive_name()
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist: create it, or name another.")
    engine = _engine()
    staging = Path(tempfile.mkdtemp(prefix=".newsdesk-backup-", dir=dest.parent))
    partial = dest.with_name(dest.name + ".partial")
    try:
        if engine == "sqlite":
            db_member, db_file = SQLITE_MEMBER, staging / SQLITE_MEMBER
            migrations, counts = _sqlite_snapshot(db_file, progress)
        else:
            db_member, db_file = PG_MEMBER, staging / PG_MEMBER
            migrations, counts = _pg_snapshot(db_file, progress)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "migrations": migrations,
            "counts": counts,
            "settings": {
                "site_name": settings.NEWSDESK_SITE_NAME,
                "site_url": settings.NEWSDESK_SITE_URL,
                "time_zone": settings.TIME_ZONE,
                "secret_key_included": _secret_file() is not None,
            },
            "members": {},
        }
        mode: Literal["w:gz", "w"] = "w:gz" if dest.name.endswith((".gz", ".tgz")) else "w"
        with open(partial, "wb") as raw:
            os.chmod(partial, 0o600)  # it holds the whole site, the secret key included
            with tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT) as tar:
                _add(tar, manifest, db_member, db_file)
                if secret := _secret_file():
                    _add(tar, manifest, SECRET_MEMBER, secret)
                media_count = _add_media(tar, manifest)
                _say(progress, f"media: {media_count} files")
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(body), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
                tar.addfile(info, io.BytesIO(body))  # last: a truncated archive has none
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return Result(dest, manifest)


class _Hashing(io.RawIOBase):
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add(tar: tarfile.TarFile, manifest: dict, name: str, path: Path) -> None:
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(os.fstat(handle.fileno()).st_mtime)
        reader = _Hashing(handle)
        tar.addfile(info, reader)  # reads exactly ``size`` bytes: a file growing meanwhile is cut at its size
    manifest["members"][name] = {"size": size, "sha256": reader.digest.hexdigest()}


def _add_media(tar: tarfile.TarFile, manifest: dict) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    if not root.is_dir():
        return 0
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue  # only the files themselves: a link could point anywhere
            relative = path.relative_to(root).as_posix()
            try:
                _add(tar, manifest, MEDIA_PREFIX + relative, path)
            except FileNotFoundError:
                continue  # deleted while the backup ran: not part of the site any more
            count += 1
    return count


def _sqlite_snapshot(target: Path, progress) -> tuple[dict, dict]:
    source_path = _sqlite_path()
    if not source_path.exists():
        raise BackupError(
            f"No database at {source_path}: nothing to back up (run `newsdesk migrate` first?)."
        )
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # every page in one step: one read transaction, one consistent state
    finally:
        source.close()
    try:
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file (the site turns WAL back on)
        migrations = _migrations(
            copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        )
        counts = _counts(lambda table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - table names from the models
    finally:
        copy.close()
    _say(progress, f"database: SQLite snapshot, {counts.get('news_article', 0)} articles")
    return migrations, counts


def _migrations(rows) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied


def _counts(count: Callable[[str], int]) -> dict[str, int]:
    counts = {}
    for table in _tables():
        try:
            counts[table] = int(count(table))
        except sqlite3.OperationalError:  # noqa: S112 - a table this schema does not have yet
            continue
    return counts


def _pg_params() -> dict:
    return connections["default"].get_connection_params()


def _pg_env(params: dict) -> dict:
    env = dict(os.environ)
    for key, variable in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"),
                          ("password", "PGPASSWORD"), ("dbname", "PGDATABASE")):  # fmt: skip
        if params.get(key):
            env[variable] = str(params[key])
    return env


def pg_binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise BackupError(f"PostgreSQL's {name} was not found: install the PostgreSQL client (e.g. Debian's "
                          "postgresql-client) of the server's major version or newer.")  # fmt: skip
    return found


def _pg_value(conn: psycopg.Connection, sql: str) -> Any:
    row = conn.execute(sql).fetchone()
    assert row is not None  # a function call or a COUNT(*) always gives a row
    return row[0]


def _pg_snapshot(target: Path, progress) -> tuple[dict, dict]:
    import psycopg

    params = {key: value for key, value in _pg_params().items() if key not in ("context", "cursor_factory")}
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = _pg_value(conn, "SELECT pg_export_snapshot()")
        migrations = _migrations(
            conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        )
        existing = {
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        }
        counts = {
            table: _pg_value(conn, f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - from the models
            for table in _tables()
            if table in existing
        }
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments from the settings
            [pg_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
             "--file", str(target)],
            env=_pg_env(params), capture_output=True, text=True,
        )  # fmt: skip
        conn.execute("COMMIT")
    if done.returncode:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    _say(progress, f"database: pg_dump, {counts.get('news_article', 0)} articles")
    return migrations, counts


# Retention ---------------------------------------------------------------------------------------------------
def backups_prune(*, folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives this code named in ``folder``; returns what it deleted."""
    archives = sorted(
        (path for path in Path(folder).glob(f"{ARCHIVE_PREFIX}*.tar*") if not path.name.endswith(".partial")),
        key=lambda path: path.name,
    )
    doomed = archives[: max(0, len(archives) - max(1, keep))]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# Restore -----------------------------------------------------------------------------------------------------
def read_manifest(tar: tarfile.TarFile, src: Path) -> tuple[dict, list[tarfile.TarInfo]]:
    try:
        members = tar.getmembers()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{src} is damaged or truncated ({exc}): take another backup.") from exc
    if not members or members[-1].name != MANIFEST:
        raise BackupError(
            f"{src} is incomplete: its manifest, written last, is missing (truncated while copied, or not a "
            "Newsdesk backup). Use another copy."
        )
    try:
        source = tar.extractfile(members[-1])
        if source is None:
            raise ValueError("it is not a plain file")
        manifest = json.loads(source.read())
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupError(f"{src}: the manifest cannot be read ({exc}): the archive is damaged.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{src} is in backup format {manifest.get('format')!r}; this Newsdesk reads {FORMAT}."
        )
    return manifest, members[:-1]


def schema_check(manifest: dict) -> list[str]:
    """The archive's migrations that this code does not have: non-empty means the archive is newer."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
                  if (app, name) not in known)  # fmt: skip


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def _target_holds(engine: str) -> str:
    """What the target site already holds ('' when nothing): restore does not overwrite it without --force."""
    held = []
    if engine == "sqlite":
        path = _sqlite_path()
        if path.exists():
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                for table, what in (("news_article", "articles"), ("auth_user", "users")):
                    try:
                        n = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                    except sqlite3.Error:
                        continue
                    if n:
                        held.append(f"{n} {what}")
            finally:
                db.close()
    else:
        with connections["default"].cursor() as cursor:
            tables = set(connections["default"].introspection.table_names(cursor))
            for table, what in (("news_article", "articles"), ("auth_user", "users")):
                if table in tables:
                    cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                    if n := cursor.fetchone()[0]:
                        held.append(f"{n} {what}")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(path.is_file() for path in media.rglob("*")):
        held.append(f"media files in {media}")
    return ", ".join(held)


def backup_restore(*, src: Path, force: bool = False, progress: Callable[[str], None] | None = None) -> dict:
    """Restore the archive at ``src`` into this site's database and media folder; returns its manifest."""
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"No archive at {src}.")
    engine = _engine()
    try:
        tar = tarfile.open(src, "r:*")  # noqa: SIM115 - closed below
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{src} is not a readable archive ({exc}).") from exc
    with tar:
        manifest, members = read_manifest(tar, src)
        if manifest.get("engine") != engine:
            raise BackupError(f"{src} holds a {manifest.get('engine')} database; this site runs on {engine}. "
                              "Restore it into a site configured for that database.")  # fmt: skip
        if unknown := schema_check(manifest):
            raise BackupError(
                f"{src} comes from a newer schema: this code does not know the migrations {', '.join(unknown)}. "
                "Install the Newsdesk release that made the backup (or a later one), then restore."
            )
        names = {member.name for member in members}
        listed = set(manifest.get("members", {}))
        if names != listed:
            missing, extra = sorted(listed - names), sorted(names - listed)
            raise BackupError(
                f"{src} does not match its manifest (missing: {missing[:5]}, unlisted: {extra[:5]})."
            )
        if not force and (held := _target_holds(engine)):
            raise BackupError(
                f"The site already holds data ({held}): restore does not overwrite it. Stop the site and run "
                "`newsdesk restore --force ARCHIVE` to replace it (what is there now is kept aside)."
            )
        db_member = SQLITE_MEMBER if engine == "sqlite" else PG_MEMBER
        if db_member not in names:
            raise BackupError(f"{src} holds no database ({db_member}).")
        return _restore(
            tar, src, manifest, members, engine=engine, db_member=db_member, force=force, progress=progress
        )


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, expected: dict, src: Path) -> None:
    if not member.isfile() or not _safe_name(member.name):
        raise BackupError(f"{src}: member {member.name!r} is not a plain file inside the archive; refused.")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        source = tar.extractfile(member)
        assert source is not None  # a plain file (checked above) always has one
        with source, open(target, "wb") as out:
            while block := source.read(CHUNK):
                digest.update(block)
                size += len(block)
                out.write(block)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(
            f"{src} is truncated or damaged in {member.name} ({exc}). Use another copy."
        ) from exc
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise BackupError(
            f"{src}: {member.name} does not match its checksum in the manifest: the archive is damaged. "
            "Use another copy."
        )


def _restore(
    tar, src: Path, manifest: dict, members, *, engine: str, db_member: str, force: bool, progress
) -> dict:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    db_dir = _sqlite_path().parent if engine == "sqlite" else Path(settings.DATA_DIR)
    db_dir.mkdir(parents=True, exist_ok=True)
    # Staged beside their targets: on the same file systems, so that moving them into place is a rename.
    db_stage = Path(tempfile.mkdtemp(prefix=".newsdesk-restore-", dir=db_dir))
    media_stage = Path(tempfile.mkdtemp(prefix=".newsdesk-restore-media-", dir=media.parent))
    try:
        for member in members:
            expected = manifest["members"][member.name]
            if member.name.startswith(MEDIA_PREFIX):
                target = media_stage / "media" / member.name.removeprefix(MEDIA_PREFIX)
            else:
                target = db_stage / member.name
            _extract(tar, member, target, expected, src)
        (media_stage / "media").mkdir(exist_ok=True)
        _say(progress, f"checked {len(members)} members against the manifest")
        if engine == "sqlite":
            _sqlite_verify(db_stage / SQLITE_MEMBER, manifest, src)
            _sqlite_swap(db_stage, media_stage / "media", stamp, progress)
        else:
            _pg_restore(db_stage / PG_MEMBER, src)
            _swap_media(media_stage / "media", stamp, progress)
        if (db_stage / SECRET_MEMBER).exists():
            secret = Path(settings.DATA_DIR) / "secret_key"
            if secret.exists() and force:  # a fresh site's own generated key is not worth keeping
                os.replace(secret, secret.with_name(f"secret_key.before-restore-{stamp}"))
            os.replace(db_stage / SECRET_MEMBER, secret)
    finally:
        shutil.rmtree(db_stage, ignore_errors=True)
        shutil.rmtree(media_stage, ignore_errors=True)
    return manifest


def _sqlite_verify(path: Path, manifest: dict, src: Path) -> None:
    db = sqlite3.connect(path)
    try:
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"{src}: the database in it fails SQLite's check ({check}).")
        for table, expected in manifest.get("counts", {}).items():
            found = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - from the manifest's own tables
            if found != expected:
                raise BackupError(f"{src}: {table} holds {found} rows, the manifest says {expected}.")
    except sqlite3.Error as exc:
        raise BackupError(f"{src}: the database in it cannot be read ({exc}).") from exc
    finally:
        db.close()


def _sqlite_swap(stage: Path, staged_media: Path, stamp: str, progress) -> None:
    """Move the current database (with its WAL) and media aside, the restored ones into place; undo on failure."""
    db = _sqlite_path()
    aside = db.parent / f"before-restore-{stamp}"
    connections.close_all()  # this process lets go of the file it is about to replace
    moved: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        aside.mkdir()
        for suffix in ("", "-wal", "-shm"):  # a WAL left beside the new file would be replayed into it
            current = Path(f"{db}{suffix}")
            if current.exists():
                os.replace(current, aside / current.name)
                moved.append((aside / current.name, current))
        os.replace(stage / SQLITE_MEMBER, db)
        placed.append(db)
        _media_in(staged_media, stamp, moved, placed)
    except BaseException:
        for path in placed:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        for kept, original in reversed(moved):
            os.replace(kept, original)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    _tidy_aside(aside, progress)


def _media_in(staged_media: Path, stamp: str, moved: list, placed: list) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        kept = media.with_name(f"{media.name}.before-restore-{stamp}")
        os.replace(media, kept)
        moved.append((kept, media))
    os.replace(staged_media, media)
    placed.append(media)


def _swap_media(staged_media: Path, stamp: str, progress) -> None:
    moved: list = []
    placed: list = []
    try:
        _media_in(staged_media, stamp, moved, placed)
    except BaseException:
        for path in placed:
            shutil.rmtree(path, ignore_errors=True)
        for kept, original in reversed(moved):
            os.replace(kept, original)
        raise
    for kept, _ in moved:
        _tidy_aside(kept, progress)


def _tidy_aside(path: Path, progress) -> None:
    """What was moved aside is kept when it holds anything (the operator deletes it), else removed."""
    if path.is_dir() and not any(p.is_file() for p in path.rglob("*")):
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        _say(progress, f"the data it replaced is kept in {path}")


def _pg_restore(dump: Path, src: Path) -> None:
    connections.close_all()
    params = {key: value for key, value in _pg_params().items() if key not in ("context", "cursor_factory")}
    # One transaction: pg_restore either restores everything or leaves the database as it was.
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments from the settings
        [pg_binary("pg_restore"), "--single-transaction", "--exit-on-error", "--clean", "--if-exists",
         "--no-owner", "--no-privileges", "--dbname", str(params.get("dbname") or ""), str(dump)],
        env=_pg_env(params), capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise BackupError(f"pg_restore refused {src} and changed nothing: {done.stderr.strip()[-2000:]}")
