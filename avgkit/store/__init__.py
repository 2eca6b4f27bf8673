"""Saved assessments: one SQLite file (WAL, transactions) with the full history of every change.

    from avgkit.store import Store, StoreError, ConflictError, NotFoundError, default_store_path

See core.Store for the API, schema for the file format and its migrations, exchange for JSON
export/import and create-or-update from a portfolio."""

from avgkit.store.core import Change, Store, default_store_path
from avgkit.store.errors import Conflict, ConflictError, NotFoundError, StoreError
from avgkit.store.exchange import ImportReport, export_data, import_data, upsert

__all__ = [
    "Change",
    "Conflict",
    "ConflictError",
    "ImportReport",
    "NotFoundError",
    "Store",
    "StoreError",
    "default_store_path",
    "export_data",
    "import_data",
    "upsert",
]
