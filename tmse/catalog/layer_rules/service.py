"""The organisation's stored layering rules (one row; the defaults until someone saves rules)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tmse.catalog.graph.layers import DEFAULT_LAYERS, LayerRules
from tmse.catalog.layer_rules.schemas import LayerRulesIn, LayerRulesOut
from tmse.catalog.models import LayerRuleSet
from tmse.core import audit
from tmse.core.actor import Actor
from tmse.core.errors import InvalidInput, check_version


def _stored(session: Session) -> LayerRuleSet | None:
    return session.scalar(select(LayerRuleSet).order_by(LayerRuleSet.id).limit(1))


def current_layer_rules(session: Session) -> LayerRules:
    """The rules the graph checks judge by: the stored ones, else the defaults."""
    row = _stored(session)
    if row is None:
        return LayerRules()
    return LayerRules(
        row.order,
        ((source, target) for source, target in row.allow),
        allow_skip_down=row.allow_skip_down,
    )


def layer_rules_out(session: Session) -> LayerRulesOut:
    """The current rules for the API and the UI; version 0 while the defaults apply."""
    row = _stored(session)
    if row is None:
        return LayerRulesOut(
            order=list(DEFAULT_LAYERS),
            allow=[],
            allow_skip_down=False,
            version=0,
            stored=False,
            updated_at=None,
        )
    return LayerRulesOut(
        order=row.order,
        allow=row.allow,
        allow_skip_down=row.allow_skip_down,
        version=row.version,
        stored=True,
        updated_at=row.updated_at,
    )


def _validate(data: LayerRulesIn) -> list[list[str]]:
    """Errors naming `order` or `allow[i]`; returns the allow pairs, duplicates dropped."""
    errors: list[dict[str, Any]] = []
    known = set(DEFAULT_LAYERS)
    if sorted(data.order) != sorted(DEFAULT_LAYERS):
        errors.append(
            {
                "field": "order",
                "message": "must list each of " + ", ".join(DEFAULT_LAYERS) + " exactly once",
            }
        )
    pairs: list[list[str]] = []
    for index, pair in enumerate(data.allow):
        unknown = [layer for layer in pair if layer not in known]
        if len(pair) != 2:
            message = "must be [source layer, target layer]"
        elif unknown:
            message = "unknown layer " + ", ".join(repr(layer) for layer in unknown)
        else:
            if pair not in pairs:
                pairs.append(list(pair))
            continue
        errors.append({"field": f"allow[{index}]", "message": message})
    if errors:
        raise InvalidInput("Invalid layer rules", errors)
    return pairs


def put_layer_rules(session: Session, actor: Actor, data: LayerRulesIn) -> LayerRulesOut:
    """Replace the rules; `version` must be the one read (0 for the defaults), else 409."""
    allow = _validate(data)
    row = _stored(session)
    before = None
    if row is None:
        check_version("Layer rules", 0, data.version)
        row = LayerRuleSet(
            order=list(data.order), allow=allow, allow_skip_down=data.allow_skip_down
        )
        session.add(row)
    else:
        check_version("Layer rules", row.version, data.version)
        before = {"order": row.order, "allow": row.allow, "allow_skip_down": row.allow_skip_down}
        row.order, row.allow = list(data.order), allow
        row.allow_skip_down = data.allow_skip_down
    session.flush()
    after = {"order": row.order, "allow": row.allow, "allow_skip_down": row.allow_skip_down}
    audit.record(
        session, actor, "update" if before else "create", "layer-rules", row.id, before, after
    )
    return layer_rules_out(session)
