"""Where npmdesk keeps settings, backups and the demo copy (platformdirs; overridable for tests)."""

import os
from pathlib import Path

import platformdirs

from npmdesk import APP_NAME


def config_dir() -> Path:
    override = os.environ.get("NPMDESK_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    override = os.environ.get("NPMDESK_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def backups_dir() -> Path:
    return data_dir() / "backups"


def resources_dir() -> Path:
    """resources/ beside the package in a checkout; bundled beside it by PyInstaller too."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources"
