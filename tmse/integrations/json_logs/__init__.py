"""Structured JSON log lines: the log-format rules, called through `check_log_lines`.
Plain data in (lines of text, a `LogFormatRules`), a plain report out; imports no domain."""

from tmse.integrations.json_logs.checks import LogCheckReport, LogFormatRules, check_log_lines

__all__ = ["LogCheckReport", "LogFormatRules", "check_log_lines"]
