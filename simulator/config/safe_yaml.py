"""The guarded YAML reader: bounded files and trees, no duplicate keys, YAML 1.2 numbers.

A safe loader alone runs no code, but it still reads a file of any size or kind, expands aliases
into an enormous tree (the "billion laughs"), silently keeps the last of duplicate keys, and,
being YAML 1.1, reads ``1e3`` (an exponent without a dot) as text. This reader refuses what is not
a regular file (a pipe, a device: without waiting on it), a file above ``MAX_FILE_BYTES``, a tree
above ``MAX_NODES`` nodes, recursive aliases and duplicate keys, and reads ``1e3`` as the number
a user means (as YAML 1.2 does). Every problem is a :class:`ConfigError` naming the file.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from simulator.config.errors import ConfigError, Problem
from simulator.config.limits import MAX_FILE_BYTES, MAX_NODES


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading ``1e3`` and ``-2E-4`` (no dot) as numbers, dates as text."""


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
# Dates (``2025-01-06``) stay text: scenario data remain plain JSON data (stored with
# experiments, hashed), and the schema parses the dates it expects.
Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in Loader.yaml_implicit_resolvers.items()
}


def _where(node: yaml.Node) -> str:
    mark = node.start_mark
    return f"line {mark.line + 1} column {mark.column + 1}"


def _check_tree(node: yaml.Node, file: str) -> None:
    """Refuse recursive aliases, alias bombs and duplicate mapping keys."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ConfigError([Problem(file, _where(n), "recursive alias: refused")])
        active.add(key)
        total = 1
        if isinstance(n, yaml.MappingNode):
            seen: dict[Any, yaml.Node] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        raise ConfigError([Problem(file, _where(k), f"duplicate key {k.value!r}")])
                    seen[k.value] = k
                total += size(k) + size(v)
                if total > MAX_NODES:
                    break
        elif isinstance(n, yaml.SequenceNode):
            for v in n.value:
                total += size(v)
                if total > MAX_NODES:
                    break
        active.discard(key)
        if total > MAX_NODES:
            raise ConfigError(
                [
                    Problem(
                        file,
                        _where(n),
                        f"document expands to more than {MAX_NODES} nodes "
                        "(aliases repeated too often?): refused",
                    )
                ]
            )
        sizes[key] = total
        return total

    size(node)


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """What a YAML error says, on one line: its context (if any), then its problem."""
    parts = [exc.context, exc.problem] if exc.context else [exc.problem]
    return ", ".join(str(part) for part in parts if part).replace("\n", " ")


def _too_large(file: str, size: str) -> ConfigError:
    return ConfigError(
        [
            Problem(
                file,
                "(file)",
                f"{size}, larger than the limit of {MAX_FILE_BYTES // 2**20} MB for an input "
                "file: refused before reading (see docs/limits.md)",
            )
        ]
    )


def _read_regular(fd: int, file: str) -> bytes:
    """At most ``MAX_FILE_BYTES + 1`` bytes of an open regular file; refuse anything else."""
    mode = os.fstat(fd)
    if stat.S_ISDIR(mode.st_mode):
        raise ConfigError([Problem(file, "(file)", "is a directory, not a file")])
    if not stat.S_ISREG(mode.st_mode):
        raise ConfigError(
            [Problem(file, "(file)", "not a regular file (a pipe or a device?): refused")]
        )
    if mode.st_size > MAX_FILE_BYTES:
        raise _too_large(file, f"{mode.st_size / 2**20:.1f} MB")
    chunks, size = [], 0
    try:
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ConfigError([Problem(file, "(file)", f"cannot read: {exc.strerror}")]) from None
    return b"".join(chunks)


def read_text(path: str | Path) -> str:
    """A regular file's text, refusing anything else and anything above ``MAX_FILE_BYTES``.

    The file is opened without blocking (a FIFO would otherwise wait for a writer) and checked
    before it is read; at most ``MAX_FILE_BYTES + 1`` bytes are read, so a file that grows while
    it is read cannot fill memory either.
    """
    file = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ConfigError([Problem(file, "(file)", "no such file")]) from None
    except IsADirectoryError:
        raise ConfigError([Problem(file, "(file)", "is a directory, not a file")]) from None
    except OSError as exc:
        raise ConfigError([Problem(file, "(file)", f"cannot read: {exc.strerror}")]) from None
    try:
        data = _read_regular(fd, file)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(file, "grew while read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(file, "(file)", f"cannot read: {exc}")]) from None


def parse_yaml(text: str, file: str, where: str = "(document)", empty: str | None = None) -> Any:
    """Parse one YAML document safely; raise :class:`ConfigError` naming ``file`` on any problem.

    Args:
        text: the YAML text.
        file: the name to use in messages.
        where: the path to name when a problem has no line (``(document)``, ``--set PATH``).
        empty: the message refusing a document with nothing in it; ``None`` accepts it.

    Returns:
        The document as plain data (``None`` for nothing).
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            if empty is not None:
                raise ConfigError([Problem(file, where, empty)])
            return None
        _check_tree(node, file)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"line {mark.line + 1} column {mark.column + 1}" if mark else where
        raise ConfigError([Problem(file, at, f"invalid YAML: {yaml_problem(exc)}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(file, where, f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise ConfigError([Problem(file, where, "nested too deeply: refused")]) from None
    finally:
        loader.dispose()


def read_yaml(path: str | Path, text: str | None = None) -> Any:
    """Read and parse one YAML file safely (``text``: its content, already read).

    Raises:
        ConfigError: naming the file: not readable, not a regular file, too large, not YAML,
            empty, an alias bomb or a duplicate key.
    """
    text = read_text(path) if text is None else text
    return parse_yaml(text, str(path), empty="the file is empty")
