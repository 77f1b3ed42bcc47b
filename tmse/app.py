"""create_app(): routers, middleware, templates, static files, /metrics, /healthz, /readyz."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from tmse import __version__
from tmse.catalog import api as catalog_api
from tmse.catalog import views as catalog_views
from tmse.catalog.backstage import api as catalog_backstage_api
from tmse.core.audit import api as audit_api
from tmse.core.body_limit import install_body_limit
from tmse.core.concurrency import ConcurrencyLimitMiddleware
from tmse.core.control_characters import refuse_control_characters
from tmse.core.db import Database
from tmse.core.errors import Unauthorized, install_error_handlers, problem_response
from tmse.core.events import load_subscribers
from tmse.core.identity import api as identity_api
from tmse.core.links import api as links_api
from tmse.core.notifications import api as notifications_api
from tmse.core.observability import RequestContextMiddleware, metrics_payload
from tmse.core.openapi_declarations import install_api_declarations
from tmse.core.parameter_bounds import refuse_out_of_range_integers
from tmse.core.response_cache import ResponseCacheMiddleware
from tmse.delivery import api as delivery_api
from tmse.delivery import views as delivery_views
from tmse.devops import api as devops_api
from tmse.devops.artifacts import api as devops_artifacts_api
from tmse.devops.canary import api as canary_api
from tmse.devops.canary import views as canary_views
from tmse.devops.code import api as devops_code_api
from tmse.devops.dora import api as dora_api
from tmse.devops.dora import drilldown_api as dora_drilldown_api
from tmse.devops.dora import views as dora_views
from tmse.devops.hooks import api as devops_hooks_api
from tmse.devops.quality_gates import api as quality_api
from tmse.jobs.metrics import register_job_metrics
from tmse.requirements import api as requirements_api
from tmse.requirements import views as requirements_views
from tmse.requirements.baselines import api as baselines_api
from tmse.requirements.baselines import views as baselines_views
from tmse.requirements.changes import api as changes_api
from tmse.requirements.changes import views as changes_views
from tmse.requirements.kano import api as kano_api
from tmse.requirements.kano import views as kano_views
from tmse.requirements.review import api as requirement_review_api
from tmse.requirements.review import views as requirement_review_views
from tmse.requirements.traceability import api as traceability_api
from tmse.requirements.traceability import views as traceability_views
from tmse.settings import Settings, get_settings, secret_key
from tmse.standards.checks import api as standards_checks_api
from tmse.standards.decisions import api as decisions_api
from tmse.standards.decisions import views as decisions_views
from tmse.standards.facts import api as facts_api
from tmse.standards.registry import api as registry_api
from tmse.standards.registry import views as registry_views
from tmse.standards.reviews import api as reviews_api
from tmse.standards.reviews import views as reviews_views
from tmse.standards.scorecards import api as scorecards_api
from tmse.standards.scorecards import views as scorecards_views
from tmse.strategy import api as strategy_api
from tmse.strategy import views as strategy_views
from tmse.web import api_docs, notification_pages, pages
from tmse.web import views as web_views
from tmse.web.csrf import CsrfMiddleware
from tmse.web.error_pages import install_error_pages
from tmse.web.security_headers import SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    load_subscribers()  # every domain's reactions to events, before any request can publish one
    app = FastAPI(
        title="tmse API",
        version=__version__,
        description="Technical Management System. Authenticate with `Authorization: Bearer "
        "<token>` (create one with `tmse token create` or on the API tokens page).",
        openapi_url="/api/openapi.json",
        docs_url=None,  # tmse.web.api_docs serves it from static files, under the CSP
        redoc_url=None,
    )
    app.state.settings = settings
    # The pool must cover every admitted request plus the background write each may queue.
    pool_size = max(settings.db_pool_size, settings.max_concurrent_requests + 2)
    app.state.db = db or Database(settings.database_url, settings.read_database_url, pool_size)
    app.state.secret_key = secret_key(settings)
    app.state.job_metrics = register_job_metrics(app.state.db)

    install_error_handlers(app)
    install_error_pages(app)
    app.add_exception_handler(Unauthorized, _unauthorized)

    for router in (
        identity_api.router,
        audit_api.router,
        links_api.router,
        notifications_api.router,
        # Before the requirements routers: /review-queue and /reviews are not requirement ids.
        requirement_review_api.router,
        catalog_api.router,
        catalog_backstage_api.router,
        decisions_api.router,
        standards_checks_api.router,
        registry_api.router,
        facts_api.router,
        reviews_api.router,
        scorecards_api.router,
        requirements_api.router,
        baselines_api.router,
        changes_api.router,
        changes_api.freeze_router,
        kano_api.router,
        strategy_api.router,
        delivery_api.router,
        traceability_api.router,
        devops_api.router,
        dora_api.router,
        canary_api.router,
        dora_drilldown_api.router,
        devops_code_api.router,
        devops_hooks_api.router,
        devops_hooks_api.receivers,
        devops_artifacts_api.router,
        quality_api.router,
    ):
        # No API input may carry a control character, whatever its declared type.
        app.include_router(router, dependencies=[Depends(refuse_control_characters)])
    install_api_declarations(app)
    app.include_router(api_docs.router)
    for router in (
        web_views.router,
        notification_pages.router,
        requirement_review_views.router,
        requirements_views.router,
        registry_views.router,
        catalog_views.router,
        decisions_views.router,
        pages.router,
        reviews_views.router,
        scorecards_views.router,
        kano_views.router,
        baselines_views.router,
        changes_views.router,
        strategy_views.router,
        traceability_views.router,
        delivery_views.router,
        dora_views.router,
        canary_views.router,
    ):
        # Pages read ids and numbers by hand too: nothing past a column, no control character.
        page_checks = [Depends(refuse_control_characters), Depends(refuse_out_of_range_integers)]
        app.include_router(router, dependencies=page_checks)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _add_operations_routes(app)

    app.add_middleware(CsrfMiddleware)
    app.add_middleware(ConcurrencyLimitMiddleware, limit=settings.max_concurrent_requests)
    if settings.response_cache_mb > 0:
        app.add_middleware(
            ResponseCacheMiddleware,
            db=app.state.db,
            max_bytes=settings.response_cache_mb * 1024 * 1024,
            shared_dir=settings.shared_cache_dir,
        )
    # Outside CSRF and the concurrency gate: an oversized body is refused before either reads it.
    install_body_limit(app, settings.max_body_mb, settings.max_import_body_mb)
    app.add_middleware(RequestContextMiddleware)
    # Outermost, so responses made by the middleware above carry the headers too.
    app.add_middleware(SecurityHeadersMiddleware)
    return app


async def _unauthorized(request: Request, exc: Exception) -> Response:
    """API clients get 401 problem+json; browsers asking for a page are sent to sign in."""
    assert isinstance(exc, Unauthorized)
    if not request.url.path.startswith("/api/") and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return problem_response(request, 401, exc.slug, exc.detail)


def _add_operations_routes(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> Response:
        try:
            with request.app.state.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return problem_response(request, 503, "not-ready", "The database is not answering.")
        return JSONResponse({"status": "ready", "database": "ok"})

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        payload = metrics_payload([app.state.job_metrics])
        return PlainTextResponse(payload, media_type=CONTENT_TYPE_LATEST)
