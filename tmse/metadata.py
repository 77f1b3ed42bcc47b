"""The complete table metadata: imports every module that defines tables."""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

from tmse.core.db import Base


def _is_model_module(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    return leaf == "models" or leaf.endswith("_models")


def load_metadata() -> MetaData:
    """Import every `models` / `*_models` module of the package: each registers its tables."""
    import tmse.core.audit  # the audit table lives in the package's __init__

    for module in pkgutil.walk_packages(tmse.__path__, "tmse."):
        if _is_model_module(module.name) and ".migrations" not in module.name:
            importlib.import_module(module.name)
    return Base.metadata
