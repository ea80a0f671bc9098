"""Results folders: checked before anything is simulated, and written by one process at a time.

:func:`check_folder` names every problem of an output folder at the door, as an
:class:`~simulator.io.OutputError` (exit 2): a file where the folder should be, a file among its
parents, a system folder (``/proc``, ``/sys``, ``/dev``), a folder this process cannot write
(tested with a real probe file, since permissions do not stop root while a read-only disk does),
or a ``figures`` entry that is a symbolic link (the figures are never written, nor old figures
deleted, wherever a link points).

:func:`claim` holds an operating-system lock on a folder (a POSIX record lock, ``lockf``, on its
``.supplysim.lock`` file) for as long as a command writes there, so two experiments started on
one ``--out`` never mix their runs: the second is refused, naming the first one's process id.
The lock belongs to the process and is released when it ends, however it ends (a crash or
``kill -9`` included), so a stale lock file never blocks anyone. A POSIX lock rather than
``flock``: pool workers forked by the writer share its open files, and would otherwise keep an
``flock`` held for as long as they outlive a killed parent.
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from simulator.io import OutputError

#: The folder (inside a results folder) that holds the figures as PNG files.
FIGURES_DIR = "figures"
#: The lock file inside a results folder (it holds the process id of the writer).
LOCK_NAME = ".supplysim.lock"
#: Folders of the operating system, where results never go.
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))

#: Folders this process holds the lock of (resolved paths).
_held: set[Path] = set()


def _refuse(path: Path, what: str, message: str) -> OutputError:
    return OutputError(f"{path}: {what}: {message}")


def _probe(path: Path, folder: Path, what: str) -> None:
    """Refuse unless a file can really be created in ``folder`` (and removed again)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(path, what, f"cannot write in {folder}: permission denied")
    try:
        fd, probe = tempfile.mkstemp(prefix=".supplysim-probe-", dir=folder)
    except OSError as exc:
        raise _refuse(path, what, f"cannot write in {folder}: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(probe)


def check_figures(folder: str | Path, what: str = "(folder)") -> None:
    """Refuse a ``figures`` entry in ``folder`` that is a symbolic link or not a folder."""
    figures = Path(folder) / FIGURES_DIR
    if figures.is_symlink():
        raise _refuse(
            figures,
            what,
            "is a symbolic link; figures are written only into a real folder, never where a "
            "link points: remove the link (what it points to is left alone)",
        )
    if figures.exists() and not figures.is_dir():
        raise _refuse(figures, what, "is not a folder: move it away, figures are written there")


def check_folder(path: str | Path, what: str = "--out") -> Path:
    """An output folder as given, once every problem that would stop writing there is ruled out.

    Nothing is created: the folder, or its nearest existing parent, is probed with a temporary
    file that is removed at once.

    Args:
        path: the folder (it may not exist yet).
        what: the option or argument that named it, for the message (``--out``).

    Raises:
        OutputError: the folder cannot hold results (the message names the path and why).
    """
    path = Path(path)
    resolved = path.resolve()
    for system in SYSTEM_FOLDERS:
        if resolved == system or system in resolved.parents:
            raise _refuse(path, what, f"is under {system}, a folder of the operating system")
    if os.path.lexists(path) and not path.is_dir():
        kind = "a broken symbolic link" if path.is_symlink() else "a file"
        raise _refuse(path, what, f"is {kind}, not a folder: choose another {what}")
    existing = path
    while not os.path.lexists(existing):
        existing = existing.parent
    if not existing.is_dir():
        raise _refuse(path, what, f"{existing} is a file, not a folder")
    _probe(path, existing, what)
    if existing == path:
        check_figures(path, what)
    return path


@contextmanager
def claim(path: str | Path, what: str = "--out") -> Iterator[Path]:
    """Check a results folder, create it and hold its lock while the ``with`` block writes there.

    A folder this process holds already is claimed again at once (so a command may claim what a
    function it calls claims too).

    Raises:
        OutputError: the folder cannot hold results (:func:`check_folder`), or another process
            writes there now (the message names it and its process id).
    """
    folder = check_folder(path, what)
    key = folder.resolve()
    if key in _held:
        yield folder
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    except OSError as exc:
        raise _refuse(folder, what, f"cannot write there: {exc.strerror or exc}") from None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EAGAIN):
            os.close(fd)
            raise _refuse(folder, what, f"cannot lock {LOCK_NAME}: {exc.strerror}") from None
        holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise _refuse(
            folder,
            what,
            f"another supplysim process (pid {holder}) is writing results there; wait until it "
            f"ends, or choose another {what}",
        ) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held.add(key)
        yield folder
    finally:
        _held.discard(key)
        os.close(fd)  # releases the lock (so would the end of the process)


__all__ = ["FIGURES_DIR", "LOCK_NAME", "OutputError", "check_figures", "check_folder", "claim"]
