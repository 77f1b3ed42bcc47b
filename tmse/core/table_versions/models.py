"""The version of each table's data, moved on by every committed write to it."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from tmse.core.db import Base


class TableVersion(Base):
    """One row per table ever written (and `*` for writes tmse cannot attribute to a table)."""

    __tablename__ = "tmse_table_versions"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # The write count ("#") at which it last moved: a process reads only what moved since.
    moved_at: Mapped[int] = mapped_column(
        BigInteger, nullable=False, server_default="0", index=True
    )
