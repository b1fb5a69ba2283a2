"""Write output files whole or not at all, and never over a file trainweek did not write."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from trainweek.scheduler.errors import BadInput


class OutputRefused(BadInput):
    pass


def previous_output(path: Path, marker: bytes, force: bool) -> bytes | None:
    """The earlier content of an output path, if trainweek wrote it (or --force says go ahead)."""
    if not path.exists():
        return None
    if path.is_dir():
        raise OutputRefused(f"{path} is a folder; give a file name with -o")
    data = path.read_bytes()
    if marker in data:
        return data
    if force:
        return None
    raise OutputRefused(f"{path} exists and was not written by trainweek; write to another path or pass --force to replace it")


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
