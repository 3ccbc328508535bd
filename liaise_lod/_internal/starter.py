"""``liaise-lod new``: a small, commented dataset to start from (the files of
``liaise_lod/starter``), which builds with no violation."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import ConfigError, OutputError

STARTER = Path(__file__).resolve().parent.parent / "starter"


def write_starter(folder: Path) -> list[Path]:
    """Copy the starter dataset into ``folder`` (made if missing; it must be empty)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(f"{folder} is not an empty folder: give a new one")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for source in sorted(STARTER.iterdir()):
            if source.suffix in (".yaml", ".csv"):
                written.append(Path(shutil.copyfile(source, folder / source.name)))
    except OSError as error:
        raise OutputError(f"could not write {folder}: {error.strerror or error}") from error
    return written
