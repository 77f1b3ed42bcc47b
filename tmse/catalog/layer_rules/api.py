"""JSON routes for the layering rules the graph checks apply."""
# Included by tmse/catalog/api.py under /api/v1/catalog.

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from tmse.catalog.layer_rules import service as rules
from tmse.catalog.layer_rules.schemas import LayerRulesIn, LayerRulesOut
from tmse.core.actor import Actor
from tmse.core.deps import DbSession, require
from tmse.core.permissions import READ, STANDARDS_WRITE
from tmse.core.responses import json_response
from tmse.core.routing import Router

router = Router(tags=["catalog"])
Reader = Annotated[Actor, Depends(require(READ))]
RuleWriter = Annotated[Actor, Depends(require(STANDARDS_WRITE))]


@router.get("/layer-rules", response_model=LayerRulesOut)
def get_layer_rules(session: DbSession, _: Reader) -> Response:
    """The stored layering rules, or the defaults (version 0) when none are stored."""
    return json_response(rules.layer_rules_out(session), LayerRulesOut)


@router.put("/layer-rules", response_model=LayerRulesOut)
def put_layer_rules(data: LayerRulesIn, session: DbSession, actor: RuleWriter) -> LayerRulesOut:
    return rules.put_layer_rules(session, actor, data)
