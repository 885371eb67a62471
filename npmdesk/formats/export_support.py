"""What every exporter shares: atomic writing of the output file and progress with cancel.

An export writes to a temporary file beside the target and renames it over the target only when
everything went well, so a crash or a cancel never leaves a half-written report under the real
name (and never damages an older report of the same name). Before anything is written the target
is checked (store/output_paths.py): an export never writes over the open project, any other
npmdesk project, or a name SQLite would read as part of one."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from npmdesk.core.errors import BadInputError, CancelledError
from npmdesk.store.output_paths import check_output_path

ProgressCallback = Callable[[int, int], bool]

# mkstemp makes 0600 files; a report should get the permissions any new file gets. The umask
# can only be read by setting it, so do that once, at import (before any worker thread exists).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_failure(out: Path, e: OSError) -> BadInputError:
    """A plain-words refusal for an OS error while writing `out` (disk full, permission, read-only)."""
    folder = out.parent if str(out.parent) else Path(".")
    if e.errno == errno.ENOSPC or getattr(e, "winerror", None) == 112:
        return BadInputError(out, f"the disk holding {folder.resolve()} is full ({e.strerror}): nothing was written "
                                  "and the project is unchanged; free some space (or export to another disk) and try "
                                  "again")
    if e.errno == errno.EROFS:
        return BadInputError(out, f"{folder.resolve()} is on a read-only disk: nothing was written; export "
                                  "to another folder")
    if e.errno in (errno.EACCES, errno.EPERM):
        return BadInputError(out, f"npmdesk may not write in {folder.resolve()} (permission denied): nothing "
                                  "was written; export to another folder")
    return BadInputError(out, f"could not be written ({e.strerror or e}); nothing was written")


@contextmanager
def atomic_output(out: str | Path, protect=()) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `out`, on any error it is removed.

    `out` is refused if it is a project (the open one, named in `protect`, or any other)."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise BadInputError(out, "the folder to export into does not exist")
    if out.is_dir():
        raise BadInputError(out, "is a folder: give a file name to export to")
    check_output_path(out, protect)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as e:
        raise write_failure(out, e) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:  # durable before it takes the real name
            os.fsync(f.fileno())
        mode = out.stat().st_mode & 0o777 if out.exists() else 0o666 & ~_UMASK
        os.chmod(tmp, mode)
        os.replace(tmp, out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise write_failure(out, e) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class Progress:
    """Calls `callback(done, total)` every `every` steps; a False answer cancels the export."""

    def __init__(self, callback: ProgressCallback | None, total: int, every: int = 200):
        self.callback = callback
        self.total = max(total, 0)
        self.every = max(every, 1)
        self.done = 0
        self._next = 0

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.callback is not None and self.done >= self._next:
            self._next = self.done + self.every
            self._ask()

    def start(self) -> None:
        if self.callback is not None:
            self._ask()

    def finish(self) -> None:
        self.done = self.total
        if self.callback is not None:
            self._ask()

    def _ask(self) -> None:
        assert self.callback is not None  # its callers ask only when there is one
        if self.callback(min(self.done, self.total), self.total) is False:
            raise CancelledError("export cancelled: no file was written")
