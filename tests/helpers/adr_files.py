"""adr-tools Markdown files, byte for byte as adr-tools writes them."""

from __future__ import annotations

# What `ADR_DATE=2026-11-20 adr init` writes (adr-tools' src/init.md with the date filled in).
INIT = """# 1. Record architecture decisions

Date: 2026-11-20

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records, as described by Michael Nygard in this article: http://thinkrelevance.com/blog/2011/11/15/documenting-architecture-decisions

## Consequences

See Michael Nygard's article, linked above.
"""


# `adr new Use PostgreSQL`, then `adr new -s 2 ...`: "Accepted" removed, the back link added.
POSTGRES = """# 2. Use PostgreSQL

Date: 2026-11-20

## Status

LINK

## Context

Context here...

## Decision

Decision here...

## Consequences

Consequences here...
""".replace(
    "LINK",
    "Superseded by [3. Use PostgreSQL 16 with logical replication]"
    "(0003-use-postgresql-16-with-logical-replication.md)",
)


# `adr new -s 2 Use PostgreSQL 16 with logical replication`: template plus the forward link.
REPLICATION = """# 3. Use PostgreSQL 16 with logical replication

Date: 2026-11-21

## Status

Accepted

Supersedes [2. Use PostgreSQL](0002-use-postgresql.md)

## Context

Context here...

## Decision

Decision here...

## Consequences

Consequences here...
"""


FOLDER = {
    "0001-record-architecture-decisions.md": INIT,
    "0002-use-postgresql.md": POSTGRES,
    "0003-use-postgresql-16-with-logical-replication.md": REPLICATION,
}
