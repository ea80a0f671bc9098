"""Writing results so that nothing is ever half-written, nor anything but strict JSON.

Every file is written to a temporary file beside it, flushed to disk and renamed over the old one
(readers see the old file or the new, never half). Every JSON text is strict: a number that is
not finite (NaN, infinity) is written as ``null``, which every JSON reader accepts. A write that
fails (a full disk, a read-only folder) is an :class:`OutputError` naming the file: a problem of
the place, not a bug.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

_UMASK = os.umask(0)
os.umask(_UMASK)


class OutputError(Exception):
    """A results file or folder cannot be written where asked: ``PATH: what is wrong``."""


def finite(data: Any) -> Any:
    """``data`` with every number that is not finite replaced by ``None`` (in lists and dicts)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


def dumps(data: Any, **options: Any) -> str:
    """``data`` as strict JSON (``null`` for a number that is not finite), with json options."""
    return json.dumps(finite(data), allow_nan=False, **options)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new, never half.

    Raises:
        OutputError: the file cannot be written (no space left, a read-only folder, ...).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; results are meant to be shared
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_json(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented strict JSON (see :func:`dumps`), atomically."""
    return atomic_write_text(path, dumps(data, indent=2) + "\n")


def write_yaml(path: str | Path, data: Any) -> Path:
    """Write ``data`` as block-style YAML, atomically."""
    return atomic_write_text(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a CSV table with a header row, atomically."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return atomic_write_text(path, buf.getvalue())
