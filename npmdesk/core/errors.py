"""Errors a researcher may see. Each message names the thing and the reason in plain words."""


class NpmdeskError(Exception):
    """Base of every error npmdesk reports to a user (CLI: one line on stderr, exit 1)."""


class ProjectOpenError(NpmdeskError):
    """A file could not be opened as a project; the file has not been modified."""


class NotSQLiteError(ProjectOpenError):
    pass


class NotAProjectError(ProjectOpenError):
    pass


class NewerVersionError(ProjectOpenError):
    pass


class DamagedProjectError(ProjectOpenError):
    pass


class ProjectBusyError(NpmdeskError):
    """Another program holds the project locked for longer than we are willing to wait."""


class ProjectReadOnlyError(NpmdeskError):
    """The project file (or its folder) cannot be written; reading it still works."""


class NotFoundError(NpmdeskError):
    pass


class NameClashError(NpmdeskError):
    pass


class AlreadyDoneError(NameClashError):
    """The change asked for is in the project already (the same code on the same passage): nothing
    to do, nothing wrong. The CLI reports it as a clash; the window as a status note."""


class InvalidSpanError(NpmdeskError):
    pass


class InvalidValueError(NpmdeskError):
    pass


class BadInputError(NpmdeskError):
    """An input file was refused; `path` names it and the message says why."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class DuplicateSourceError(BadInputError):
    pass


class CancelledError(NpmdeskError):
    """The user cancelled a long operation; nothing was changed."""


class UnknownVersionError(ProjectOpenError):
    """The project format number is one no npmdesk ever wrote (0, or not a number we know)."""


class UnexpectedSchemaError(ProjectOpenError):
    """The project's tables, indexes, triggers or views are not what its format must contain."""


class UnsafeFileError(ProjectOpenError):
    """Not a regular file (a folder, a FIFO, a device), or a side file that cannot be moved aside."""


class HotJournalError(ProjectOpenError):
    """An unfinished change could not be rolled back safely; the project was left as found."""


class OutputClobbersProjectError(NpmdeskError):
    """An output path names the open project or another npmdesk project file."""


class StorageError(NpmdeskError):
    """The operating system refused a write (disk full, permission, read-only disk); nothing was lost."""


class DiskFullError(StorageError):
    pass
