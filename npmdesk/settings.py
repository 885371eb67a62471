"""User settings (coder name, recent projects) as a small JSON file in the config dir. No Qt."""

from __future__ import annotations

import getpass
import json
import os
import tempfile
from pathlib import Path

from npmdesk.paths import config_dir

MAX_RECENT = 10


def _settings_path() -> Path:
    return config_dir() / "settings.json"


def load() -> dict:
    try:
        data = json.loads(_settings_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save(data: dict) -> None:
    path = _settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


def coder_name() -> str | None:
    name = load().get("coder")
    return name.strip() if isinstance(name, str) and name.strip() else None


def set_coder_name(name: str) -> None:
    data = load()
    data["coder"] = name.strip()
    save(data)


def default_coder() -> str:
    """The stored coder name, else the login name: every coding needs someone behind it."""
    return coder_name() or os.environ.get("NPMDESK_CODER") or getpass.getuser() or "coder"


def recent_projects() -> list[str]:
    items = load().get("recent", [])
    return [p for p in items if isinstance(p, str)]


def add_recent_project(path: str | os.PathLike) -> None:
    data = load()
    p = str(Path(path).resolve())
    items = [x for x in data.get("recent", []) if x != p]
    data["recent"] = [p, *items][:MAX_RECENT]
    save(data)


def last_folder() -> str:
    """Where the last file was opened or saved: file dialogs start there (else in Documents)."""
    folder = load().get("last_folder")
    if isinstance(folder, str) and Path(folder).is_dir():
        return folder
    import platformdirs

    docs = Path(platformdirs.user_documents_dir())
    return str(docs if docs.is_dir() else Path.home())


def remember_folder(path: str | os.PathLike) -> None:
    p = Path(path)
    data = load()
    data["last_folder"] = str(p if p.is_dir() else p.parent)
    try:
        save(data)
    except OSError:
        pass  # a convenience only
