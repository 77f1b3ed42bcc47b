"""HTML pages of strategy: goals and alignment, a goal's page, and the forms."""

from __future__ import annotations

from fastapi import APIRouter

from tmse.core.permissions import READ
from tmse.web.labels import N_
from tmse.web.templating import NavItem, register_nav

router = APIRouter(include_in_schema=False)

register_nav(NavItem("strategy", N_("Goals"), "/strategy", READ, order=1, group="strategy"))
