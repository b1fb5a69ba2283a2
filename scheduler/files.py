"""The overwrite policy for every file trainweek writes, in one place.

`claim_output` decides, before any solving, whether a path may be written: a file that
trainweek wrote before (it carries the kind's marker) is replaced and its content handed
back, since an earlier calendar is where a re-solve starts; anything else is refused
unless `--force` says so; an input of the run (the plan, a busy .ics) is refused even
with `--force`. The answer is an `OutputFile` whose `write` puts the new bytes there:

- a regular file is replaced whole or not at all (a temporary file beside it, renamed
  into place), with the permissions the umask gives a new file, or the old file's own;
- a symbolic link is followed: the file it points to is replaced, the link stays;
- a pipe, FIFO or device (`-o /dev/stdout`) is never read; the bytes are written to it
  directly, as a shell redirection would.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from trainweek.scheduler.errors import BadInput

# What each kind of output is called in messages, and the text that marks it as trainweek's.
KINDS = {
    "ics": "calendar file",
    "html": "week page",
    "svg": "week picture",
    "yaml": "plan file",
    "json": "week data file",
}


class OutputRefused(BadInput):
    pass


def _marker(kind: str) -> bytes | None:
    """The text every file of this kind that trainweek wrote contains (none for plans)."""
    if kind == "ics":
        from trainweek.scheduler.ics import PRODID

        return PRODID.encode()
    if kind in ("html", "svg"):
        from trainweek.scheduler.view import MARKER

        return MARKER.encode()
    return None


@dataclass(frozen=True)
class OutputFile:
    """A path trainweek may write, as `claim_output` found it."""

    path: Path  # as the person gave it; messages use this
    kind: str  # a key of KINDS
    target: Path  # where the bytes go: the path, or the file its link points to
    earlier: bytes | None = None  # what trainweek wrote there before, if it did
    stream: bool = False  # a pipe, FIFO or device: written straight through
    option: str = field(default="-o", compare=False)

    def is_stdout(self) -> bool:
        """Whether the bytes go where the program's own output goes (`-o /dev/stdout`)."""
        if not self.stream:
            return False
        try:
            mine, theirs = os.fstat(1), os.stat(self.path)
        except OSError:
            return False
        return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)

    def write(self, data: bytes) -> None:
        try:
            if self.stream:
                with open(self.path, "wb") as stream:
                    stream.write(data)
            else:
                _replace(self.target, data)
        except OSError as error:
            raise OutputRefused(f"{self.path}: cannot write it ({error.strerror or error}); choose another path with {self.option}") from None


def claim_output(path: str | os.PathLike, kind: str, force: bool = False, inputs=(), option: str = "-o") -> OutputFile:
    """Whether `path` may be written as a `kind` output (see the module docstring).

    `inputs` are the files this run reads; none of them is ever overwritten. Raises
    `OutputRefused` with a sentence naming `option` when the path may not be written.
    """
    path = Path(path)
    what = KINDS[kind]
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    except NotADirectoryError:
        raise OutputRefused(f"{path}: {_file_in_the_way(path)} is a file, not a folder; choose another path with {option}") from None
    except OSError as error:
        raise OutputRefused(f"{path}: cannot use it ({error.strerror}); choose another path with {option}") from None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise OutputRefused(f"{path} is a folder; give a file name with {option}")
    if status is not None and not stat.S_ISREG(status.st_mode):
        return OutputFile(path, kind, path, stream=True, option=option)
    target = Path(os.path.realpath(path))
    for source in inputs:
        if _same_file(target, Path(source)):
            raise OutputRefused(f"{path} is an input of this run ({source}); trainweek never writes over it, not even with --force; choose another path with {option}")
    _check_folder(path, target, option)
    if status is None:
        return OutputFile(path, kind, target, option=option)
    data = _read(path, option)
    marker = _marker(kind)
    if marker is not None and marker in data:
        return OutputFile(path, kind, target, earlier=data, option=option)
    if force:
        return OutputFile(path, kind, target, option=option)
    if marker is None:
        raise OutputRefused(f"{path} already exists; choose another path with {option} or pass --force to overwrite it")
    raise OutputRefused(f"{path} exists and was not written by trainweek; choose another path with {option} or pass --force to replace it with the {what}")


def _same_file(target: Path, source: Path) -> bool:
    try:
        return os.path.samefile(target, source)
    except OSError:
        return target == Path(os.path.realpath(source))


def _file_in_the_way(path: Path) -> Path:
    """The first ancestor of `path` that is a file, where a folder should be."""
    for parent in reversed(path.parents):
        if parent.is_file():
            return parent
    return path.parent


def _check_folder(path: Path, target: Path, option: str) -> None:
    """The folder the file goes into exists or can be made, and takes new files."""
    folder = target.parent
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OutputRefused(f"{path}: {_file_in_the_way(target)} is a file, not a folder; choose another path with {option}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputRefused(f"{path}: the folder {existing} is read-only for you; choose another path with {option}")


def _read(path: Path, option: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise OutputRefused(f"{path}: cannot read it to check who wrote it ({error.strerror}); choose another path with {option}") from None


def _replace(target: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it into place.

    A new file gets the permissions the umask gives (0644 with the usual 022), like any
    file a program creates; a replaced file keeps its own.
    """
    import secrets  # hashlib and OpenSSL: only when a file is written, not for --help

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            if mode is not None:
                os.fchmod(stream.fileno(), mode)
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

