"""Which entity types can be linked, and which of their fields are their 'content'."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class LinkableType:
    name: str
    model: type[Any]
    content_fields: tuple[str, ...]
    label_field: str

    def fingerprint(self, entity: Any) -> str:
        content = {f: getattr(entity, f) for f in self.content_fields}
        payload = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def load(self, session: Session, entity_id: int) -> Any | None:
        return session.get(self.model, entity_id)

    def label(self, entity: Any) -> str:
        return str(getattr(entity, self.label_field))


_types: dict[str, LinkableType] = {}
_by_model: dict[type[Any], LinkableType] = {}


def register(
    name: str, model: type[Any], content_fields: tuple[str, ...], label_field: str = "name"
) -> LinkableType:
    """Make `model` linkable as `name`; a change to any of `content_fields` turns links Suspect."""
    linkable = LinkableType(name, model, content_fields, label_field)
    _types[name] = linkable
    _by_model[model] = linkable
    return linkable


def registered_types() -> dict[str, LinkableType]:
    return dict(_types)


def linkable_for_model(model: type[Any]) -> LinkableType | None:
    return _by_model.get(model)
