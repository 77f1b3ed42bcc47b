"""Organisation pages (teams, people, audit log, API tokens) and their navigation entries."""

from __future__ import annotations

from tmse.core.permissions import AUDIT_READ, READ
from tmse.core.routing import Router
from tmse.web import audit_pages, team_pages, token_pages, user_pages
from tmse.web.labels import N_
from tmse.web.templating import NavItem, register_nav

router = Router(include_in_schema=False)
for pages in (team_pages, user_pages, audit_pages, token_pages):
    router.include_router(pages.router)

register_nav(NavItem("teams", N_("Teams"), "/teams", READ, order=10))
register_nav(NavItem("users", N_("People"), "/users", READ, order=20))
register_nav(NavItem("audit", N_("Audit log"), "/audit", AUDIT_READ, order=90))
