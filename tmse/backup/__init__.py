"""Portable backups: every tmse table as gzip-compressed JSON lines, written and restored on
SQLite or PostgreSQL alike, so a database can move from one to the other with two commands."""

# File layout, one JSON value per line: a header object (format, version, tmse version, schema
# revision, created_at, source dialect); per table an object {"table", "columns"} followed by one
# array per row in primary-key order; last an object {"end": true, "rows": {table: count}}.

from tmse.backup.fileformat import BackupError
from tmse.backup.restore import restore_backup
from tmse.backup.write import write_backup

__all__ = ["BackupError", "restore_backup", "write_backup"]
