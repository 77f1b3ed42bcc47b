"""/api/docs: Swagger UI from our own static files, started by a static script (no inline JS)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from tmse.core.routing import Router

router = Router(include_in_schema=False)

# FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script, which the
# Content-Security-Policy refuses; this one needs neither.
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>tmse API</title>
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js" defer></script>
  <script src="/static/js/api-docs.js" defer></script>
</head>
<body>
<div id="swagger-ui" data-openapi-url="/api/openapi.json"></div>
</body>
</html>
"""


@router.get("/api/docs")
def api_docs() -> HTMLResponse:
    return HTMLResponse(_PAGE)
