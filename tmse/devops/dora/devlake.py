"""Apache DevLake-compatible DORA rules on plain rows: per-PR change lead time (coding, pickup,
review, deploy and cycle times) and the deployment each incident is blamed on. Pure."""

# DevLake's rules, as its documentation and end-to-end fixtures state them:
# - a PR counts when it is merged (has a merge date) and its base repo is mapped to the project;
#   a repo mapped to two projects gives one row per project;
# - coding = first commit authored -> PR created; pickup = created -> first comment by someone
#   other than the author (every comment counts when the author is unknown); review = first
#   comment -> merged; deploy = merged -> deployment commit finished; each in minutes rounded up,
#   and a negative span is empty (None), never a negative number;
# - cycle = coding + (created -> merged) + deploy, each already rounded, a missing part counting 0;
# - a PR's deployment commit is a SUCCESS, PRODUCTION deployment commit of one of the project's
#   CI/CD scopes that has a previous successful deployment commit, and whose commits diff (the
#   commits_diffs rows from the previous deployment's commit to its own) holds the PR's merge
#   commit; the earliest started wins (then the smaller id), so the first deployment to ship a
#   change is the one it is measured to;
# - an incident belongs to the projects its board or repo is mapped to, and links to the SUCCESS,
#   PRODUCTION deployment commit of that project's CI/CD scopes that finished last before the
#   incident was created (ties: later started, then larger id); the link names the commit's
#   deployment (pipeline). Each deployment commit is judged by its own finish time.
# Every time must be timezone-aware: DevLake stores UTC, and a naive time would compare wrongly.

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

SUCCESS: Final = "SUCCESS"
PRODUCTION: Final = "PRODUCTION"
REPOS: Final = "repos"
CICD_SCOPES: Final = "cicd_scopes"
_MINUTE_US: Final = 60_000_000
# Sort keys for a missing start time: never earliest, never latest.
_FAR_FUTURE: Final = dt.datetime.max.replace(tzinfo=dt.UTC)
_FAR_PAST: Final = dt.datetime.min.replace(tzinfo=dt.UTC)

NOT_A_TIME: Final = "not a date and time (got {type})"
NAIVE_TIME: Final = "a date and time without a time zone; give it in UTC"
NOT_AN_ID: Final = "not a non-empty text id (got {type})"
DUPLICATE_ID: Final = "the id {id} appears twice"


class DevLakeInputError(ValueError):
    """A row refused: `message` is a stable text, `field` names the row and column at fault."""

    def __init__(self, message: str, where: str, **params: object) -> None:
        super().__init__(f"{where}: {message.format(**params)}")
        self.message = message
        self.field = where
        self.params = params


@dataclass(frozen=True)
class ProjectMapping:
    """One `project_mapping` row: a project holds the scope `row_id` of `table`."""

    project_name: str
    table: str
    row_id: str


@dataclass(frozen=True)
class PullRequest:
    id: str
    base_repo_id: str
    author_id: str | None
    merge_commit_sha: str | None
    created_date: dt.datetime
    merged_date: dt.datetime | None


@dataclass(frozen=True)
class PullRequestCommit:
    pull_request_id: str
    commit_sha: str
    authored_date: dt.datetime


@dataclass(frozen=True)
class PullRequestComment:
    id: str
    pull_request_id: str
    account_id: str | None
    created_date: dt.datetime


@dataclass(frozen=True)
class DeploymentCommit:
    """One commit of a deployment (`cicd_deployment_commits`)."""

    id: str
    cicd_deployment_id: str
    cicd_scope_id: str
    commit_sha: str
    result: str
    environment: str | None
    started_date: dt.datetime | None
    finished_date: dt.datetime | None
    prev_success_deployment_commit_id: str | None


@dataclass(frozen=True)
class CommitDiff:
    """`commit_sha` is among the commits deployed from `old_commit_sha` to `new_commit_sha`."""

    new_commit_sha: str
    old_commit_sha: str | None
    commit_sha: str


@dataclass(frozen=True)
class Incident:
    id: str
    created_date: dt.datetime
    table: str
    scope_id: str


@dataclass(frozen=True)
class PrMetrics:
    """One `project_pr_metrics` row; times in whole minutes, rounded up."""

    pull_request_id: str
    project_name: str
    first_commit_sha: str | None
    coding_time: int | None
    first_review_id: str | None
    pickup_time: int | None
    review_time: int | None
    deployment_commit_id: str | None
    deploy_time: int | None
    cycle_time: int
    first_commit_authored_date: dt.datetime | None
    first_comment_date: dt.datetime | None
    created_date: dt.datetime
    merged_date: dt.datetime
    deployed_date: dt.datetime | None


@dataclass(frozen=True)
class IncidentDeployment:
    """One `project_incident_deployment_relationships` row."""

    incident_id: str
    project_name: str
    deployment_id: str


def pr_metrics(
    *,
    mappings: Iterable[ProjectMapping],
    pull_requests: Iterable[PullRequest],
    commits: Iterable[PullRequestCommit],
    comments: Iterable[PullRequestComment],
    deployment_commits: Iterable[DeploymentCommit],
    commits_diffs: Iterable[CommitDiff],
) -> list[PrMetrics]:
    """DevLake's change lead time of every merged PR of every project, by project and PR id."""
    scopes = _scopes(mappings)
    first_commits = _first_commits(commits)
    comments_by_pr = _comments_by_pr(comments)
    deployments = _DeploymentFinder(deployment_commits, commits_diffs)
    rows = []
    for pr in _unique(pull_requests, "pull_requests"):
        _id(pr.base_repo_id, f"pull_requests[{pr.id}].base_repo_id")
        _optional_id(pr.author_id, f"pull_requests[{pr.id}].author_id")
        _optional_id(pr.merge_commit_sha, f"pull_requests[{pr.id}].merge_commit_sha")
        created = _moment(pr.created_date, f"pull_requests[{pr.id}].created_date")
        if pr.merged_date is None:
            continue
        merged = _moment(pr.merged_date, f"pull_requests[{pr.id}].merged_date")
        first_commit = first_commits.get(pr.id)
        comment = _first_comment(comments_by_pr.get(pr.id, []), pr.author_id)
        for project in sorted(scopes[REPOS].get(pr.base_repo_id, ())):
            deployment = deployments.find(pr.merge_commit_sha, scopes[CICD_SCOPES], project)
            deployed = deployment.finished_date if deployment else None
            coding = _minutes(first_commit.authored_date, created) if first_commit else None
            deploy = _minutes(merged, deployed)
            open_time = _minutes(created, merged)
            rows.append(
                PrMetrics(
                    pull_request_id=pr.id,
                    project_name=project,
                    first_commit_sha=first_commit.commit_sha if first_commit else None,
                    coding_time=coding,
                    first_review_id=comment.id if comment else None,
                    pickup_time=_minutes(created, comment.created_date) if comment else None,
                    review_time=_minutes(comment.created_date, merged) if comment else None,
                    deployment_commit_id=deployment.id if deployment else None,
                    deploy_time=deploy,
                    cycle_time=(coding or 0) + (open_time or 0) + (deploy or 0),
                    first_commit_authored_date=first_commit.authored_date if first_commit else None,
                    first_comment_date=comment.created_date if comment else None,
                    created_date=created,
                    merged_date=merged,
                    deployed_date=deployed,
                )
            )
    return sorted(rows, key=lambda row: (row.project_name, row.pull_request_id))


def link_incidents(
    *,
    mappings: Iterable[ProjectMapping],
    incidents: Iterable[Incident],
    deployment_commits: Iterable[DeploymentCommit],
) -> list[IncidentDeployment]:
    """Each incident's project and the deployment DevLake blames it on; an incident outside every
    project, or with no earlier deployment, has no row. Sorted by incident id, then project."""
    scopes = _scopes(mappings)
    by_project: dict[str, list[DeploymentCommit]] = defaultdict(list)
    for commit in _deployment_commits(deployment_commits):
        if _is_production_success(commit) and commit.finished_date is not None:
            for project in scopes[CICD_SCOPES].get(commit.cicd_scope_id, ()):
                by_project[project].append(commit)
    # Per project, in the order "latest" is judged; the finish times alone, for bisecting.
    ordered = {
        project: sorted(found, key=_latest_first_key) for project, found in by_project.items()
    }
    finishes = {
        project: [_finished(commit) for commit in found] for project, found in ordered.items()
    }
    links = []
    for incident in _unique(incidents, "incidents"):
        where = f"incidents[{incident.id}]"
        created = _moment(incident.created_date, f"{where}.created_date")
        table = _id(incident.table, f"{where}.table")
        scope = _id(incident.scope_id, f"{where}.scope_id")
        for project in sorted(scopes[table].get(scope, ())):
            before = bisect.bisect_left(finishes.get(project, []), created)
            if before:
                latest = ordered[project][before - 1]
                links.append(IncidentDeployment(incident.id, project, latest.cicd_deployment_id))
    return sorted(links, key=lambda link: (link.incident_id, link.project_name))


class _DeploymentFinder:
    """The deployment commit that first shipped a merge commit, per project."""

    def __init__(self, commits: Iterable[DeploymentCommit], diffs: Iterable[CommitDiff]) -> None:
        every = {commit.id: commit for commit in _deployment_commits(commits)}
        self._by_sha: dict[str, list[DeploymentCommit]] = defaultdict(list)
        for commit in every.values():
            if _is_production_success(commit) and commit.prev_success_deployment_commit_id:
                self._by_sha[commit.commit_sha].append(commit)
        self._every = every
        self._diffs: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for index, diff in enumerate(diffs):
            where = f"commits_diffs[{index}]"
            _id(diff.commit_sha, f"{where}.commit_sha")
            _id(diff.new_commit_sha, f"{where}.new_commit_sha")
            _optional_id(diff.old_commit_sha, f"{where}.old_commit_sha")
            self._diffs[diff.commit_sha].append((diff.new_commit_sha, diff.old_commit_sha or ""))

    def find(
        self, merge_sha: str | None, cicd_scopes: Mapping[str, set[str]], project: str
    ) -> DeploymentCommit | None:
        if not merge_sha:
            return None
        found = [
            commit
            for new_sha, old_sha in self._diffs.get(merge_sha, ())
            for commit in self._by_sha.get(new_sha, ())
            if project in cicd_scopes.get(commit.cicd_scope_id, ())
            and self._previous_sha(commit) == old_sha
        ]
        return min(found, key=_earliest_first_key, default=None)

    def _previous_sha(self, commit: DeploymentCommit) -> str:
        previous = self._every.get(commit.prev_success_deployment_commit_id or "")
        return previous.commit_sha if previous else ""


def _is_production_success(commit: DeploymentCommit) -> bool:
    return commit.result == SUCCESS and commit.environment == PRODUCTION


def _earliest_first_key(commit: DeploymentCommit) -> tuple[dt.datetime, int, str]:
    return (commit.started_date or _FAR_FUTURE, *_id_order(commit.id))


def _latest_first_key(commit: DeploymentCommit) -> tuple[dt.datetime, dt.datetime, int, str]:
    return (_finished(commit), commit.started_date or _FAR_PAST, *_id_order(commit.id))


def _finished(commit: DeploymentCommit) -> dt.datetime:
    assert commit.finished_date is not None  # only finished commits are ordered by finish
    return commit.finished_date


def _id_order(value: str) -> tuple[int, str]:
    """Numeric ids in number order ("9" before "10"), then any other id as text."""
    return (int(value), "") if value.isdecimal() and len(value) < 19 else (2**63, value)


def _scopes(mappings: Iterable[ProjectMapping]) -> dict[str, dict[str, set[str]]]:
    """table -> row id -> projects holding it."""
    scopes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for index, mapping in enumerate(mappings):
        where = f"project_mapping[{index}]"
        _id(mapping.project_name, f"{where}.project_name")
        _id(mapping.table, f"{where}.table")
        _id(mapping.row_id, f"{where}.row_id")
        scopes[mapping.table][mapping.row_id].add(mapping.project_name)
    return scopes


def _first_commits(commits: Iterable[PullRequestCommit]) -> dict[str, PullRequestCommit]:
    first: dict[str, PullRequestCommit] = {}
    for index, commit in enumerate(commits):
        _id(commit.pull_request_id, f"pull_request_commits[{index}].pull_request_id")
        _id(commit.commit_sha, f"pull_request_commits[{index}].commit_sha")
        authored = _moment(commit.authored_date, f"pull_request_commits[{index}].authored_date")
        known = first.get(commit.pull_request_id)
        if known is None or (authored, commit.commit_sha) < (known.authored_date, known.commit_sha):
            first[commit.pull_request_id] = commit
    return first


def _comments_by_pr(comments: Iterable[PullRequestComment]) -> dict[str, list[PullRequestComment]]:
    by_pr: dict[str, list[PullRequestComment]] = defaultdict(list)
    for comment in _unique(comments, "pull_request_comments"):
        _id(comment.pull_request_id, f"pull_request_comments[{comment.id}].pull_request_id")
        _optional_id(comment.account_id, f"pull_request_comments[{comment.id}].account_id")
        _moment(comment.created_date, f"pull_request_comments[{comment.id}].created_date")
        by_pr[comment.pull_request_id].append(comment)
    return by_pr


def _first_comment(
    comments: Sequence[PullRequestComment], author_id: str | None
) -> PullRequestComment | None:
    others = [c for c in comments if not author_id or c.account_id != author_id]
    return min(others, key=lambda c: (c.created_date, c.id), default=None)


def _minutes(start: dt.datetime, end: dt.datetime | None) -> int | None:
    """Whole minutes from start to end, rounded up; None when end is unknown or before start."""
    if end is None:
        return None
    span = end - start
    microseconds = (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds
    if microseconds < 0:
        return None
    return -(-microseconds // _MINUTE_US)


_Row = TypeVar("_Row", PullRequest, PullRequestComment, DeploymentCommit, Incident)


def _unique(rows: Iterable[_Row], table: str) -> list[_Row]:
    seen: set[str] = set()
    kept = []
    for index, row in enumerate(rows):
        _id(row.id, f"{table}[{index}].id")
        if row.id in seen:
            raise DevLakeInputError(DUPLICATE_ID, f"{table}[{index}].id", id=row.id)
        seen.add(row.id)
        kept.append(row)
    return kept


def _deployment_commits(commits: Iterable[DeploymentCommit]) -> list[DeploymentCommit]:
    checked = _unique(commits, "deployment_commits")
    for commit in checked:
        where = f"deployment_commits[{commit.id}]"
        for name in ("cicd_deployment_id", "cicd_scope_id", "commit_sha", "result"):
            _id(getattr(commit, name), f"{where}.{name}")
        _optional_id(commit.environment, f"{where}.environment")
        _optional_id(
            commit.prev_success_deployment_commit_id, f"{where}.prev_success_deployment_commit_id"
        )
        for name in ("started_date", "finished_date"):
            if getattr(commit, name) is not None:
                _moment(getattr(commit, name), f"{where}.{name}")
    return checked


def _optional_id(value: object, where: str) -> str | None:
    return None if value is None else _id(value, where)


def _id(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise DevLakeInputError(NOT_AN_ID, where, type=type(value).__name__)
    return value


def _moment(value: object, where: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise DevLakeInputError(NOT_A_TIME, where, type=type(value).__name__)
    if value.tzinfo is None or value.utcoffset() is None:
        raise DevLakeInputError(NAIVE_TIME, where)
    return value
