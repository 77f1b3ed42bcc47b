"""The complete table metadata: imports every module that defines tables."""

from __future__ import annotations

from sqlalchemy import MetaData

from tmse.core.db import Base


def load_metadata() -> MetaData:
    # Imported for their side effect of registering tables on Base.metadata.
    import tmse.catalog.models
    import tmse.core.audit
    import tmse.core.identity.models
    import tmse.core.links.models
    import tmse.jobs.models
    import tmse.standards.facts.models
    import tmse.standards.models
    import tmse.standards.registry.models
    import tmse.standards.reviews.models
    import tmse.standards.scorecards.models  # noqa: F401

    return Base.metadata
