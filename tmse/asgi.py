"""ASGI entry point for uvicorn and other servers: `tmse.asgi:app`."""

from tmse.app import create_app
from tmse.core.observability import configure_logging
from tmse.settings import get_settings

_settings = get_settings()
configure_logging(_settings.log_level, _settings.log_json)
app = create_app(_settings)
