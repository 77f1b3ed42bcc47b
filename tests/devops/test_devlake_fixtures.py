"""DevLake-compatible mode replayed on Apache DevLake's own DORA end-to-end fixtures: every expected
row of project_pr_metrics and project_incident_deployment_relationships must come out."""

# Inputs left unread, and why:
# - repos.csv, cicd_scopes.csv: lists of ids only; which project holds a repo or a CI/CD scope is
#   in project_mapping.csv;
# - _raw_data_remark: DevLake's note on where a raw row came from, not data;
# - duration_sec, repo_url, created_date of deployment commits, base/head commit sha of PRs and
#   updated_date of incidents: no rule reads them.
# Expected columns: all are compared; none is an id DevLake generates (the `id` of both outputs is
# the PR's or the incident's own id).

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from tmse.devops.dora.devlake import (
    DUPLICATE_ID,
    NAIVE_TIME,
    NOT_AN_ID,
    CommitDiff,
    DeploymentCommit,
    DevLakeInputError,
    Incident,
    IncidentDeployment,
    PrMetrics,
    ProjectMapping,
    PullRequest,
    PullRequestComment,
    PullRequestCommit,
    link_incidents,
    pr_metrics,
)
from tmse.integrations.csv_table import read_table

REFERENCE = Path("/work/shared/reference/devlake-dora")
LEAD_TIME = REFERENCE / "change_lead_time"
INCIDENTS = REFERENCE / "connect_incident_to_deployment"

pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason="DevLake fixtures not present")

Row = dict[str, str | None]


def rows(path: Path) -> list[Row]:
    """The CSV's rows as column -> text, an empty cell being None (DevLake's NULL)."""
    header, records = read_table(path.read_text(encoding="utf-8"))
    return [
        {name: cell or None for name, cell in zip(header, cells, strict=True)}
        for _, cells in records
    ]


def moment(text: str | None) -> dt.datetime | None:
    """`2023-4-10 6:51:47` or ISO 8601 (`2023-04-10T06:51:47.000+00:00`), all UTC."""
    if text is None:
        return None
    if "T" in text:
        parsed = dt.datetime.fromisoformat(text)
    else:
        parsed = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def required(text: str | None) -> str:
    assert text is not None
    return text


def required_moment(text: str | None) -> dt.datetime:
    value = moment(text)
    assert value is not None
    return value


T = TypeVar("T")


def load(path: Path, build: Callable[[Row], T]) -> list[T]:
    return [build(row) for row in rows(path)]


def mapping(row: Row) -> ProjectMapping:
    return ProjectMapping(
        required(row["project_name"]), required(row["table"]), required(row["row_id"])
    )


def deployment_commit(row: Row) -> DeploymentCommit:
    return DeploymentCommit(
        id=required(row["id"]),
        cicd_deployment_id=required(row["cicd_deployment_id"]),
        cicd_scope_id=required(row["cicd_scope_id"]),
        commit_sha=required(row["commit_sha"]),
        result=required(row["result"]),
        environment=row["environment"],
        started_date=moment(row["started_date"]),
        finished_date=moment(row["finished_date"]),
        prev_success_deployment_commit_id=row["prev_success_deployment_commit_id"],
    )


def test_every_expected_pr_metrics_row_is_reproduced() -> None:
    got = pr_metrics(
        mappings=load(LEAD_TIME / "project_mapping.csv", mapping),
        pull_requests=load(
            LEAD_TIME / "pull_requests.csv",
            lambda row: PullRequest(
                id=required(row["id"]),
                base_repo_id=required(row["base_repo_id"]),
                author_id=row["author_id"],
                merge_commit_sha=row["merge_commit_sha"],
                created_date=required_moment(row["created_date"]),
                merged_date=moment(row["merged_date"]),
            ),
        ),
        commits=load(
            LEAD_TIME / "pull_request_commits.csv",
            lambda row: PullRequestCommit(
                required(row["pull_request_id"]),
                required(row["commit_sha"]),
                required_moment(row["commit_authored_date"]),
            ),
        ),
        comments=load(
            LEAD_TIME / "pull_request_comments.csv",
            lambda row: PullRequestComment(
                required(row["id"]),
                required(row["pull_request_id"]),
                row["account_id"],
                required_moment(row["created_date"]),
            ),
        ),
        deployment_commits=load(LEAD_TIME / "cicd_deployment_commits.csv", deployment_commit),
        commits_diffs=load(
            LEAD_TIME / "commits_diffs.csv",
            lambda row: CommitDiff(
                required(row["new_commit_sha"]), row["old_commit_sha"], required(row["commit_sha"])
            ),
        ),
    )
    expected = load(LEAD_TIME / "project_pr_metrics.csv", expected_pr_metrics)
    matched = [row for row in expected if row in got]
    assert len(expected) == 6
    assert len(matched) == len(expected), f"{len(matched)}/{len(expected)} rows matched"
    # No extra rows either: pr6 is not merged, and no PR of project2's repo3 exists.
    assert got == expected


def expected_pr_metrics(row: Row) -> PrMetrics:
    def minutes(name: str) -> int | None:
        text = row[name]
        return None if text is None else int(text)

    cycle = minutes("pr_cycle_time")
    assert cycle is not None
    return PrMetrics(
        pull_request_id=required(row["id"]),
        project_name=required(row["project_name"]),
        first_commit_sha=row["first_commit_sha"],
        coding_time=minutes("pr_coding_time"),
        first_review_id=row["first_review_id"],
        pickup_time=minutes("pr_pickup_time"),
        review_time=minutes("pr_review_time"),
        deployment_commit_id=row["deployment_commit_id"],
        deploy_time=minutes("pr_deploy_time"),
        cycle_time=cycle,
        first_commit_authored_date=moment(row["first_commit_authored_date"]),
        first_comment_date=moment(row["first_comment_date"]),
        created_date=required_moment(row["pr_created_date"]),
        merged_date=required_moment(row["pr_merged_date"]),
        deployed_date=moment(row["pr_deployed_date"]),
    )


def test_every_expected_incident_deployment_link_is_reproduced() -> None:
    got = link_incidents(
        mappings=load(INCIDENTS / "raw_tables" / "project_mapping.csv", mapping),
        incidents=load(
            INCIDENTS / "raw_tables" / "incidents.csv",
            lambda row: Incident(
                required(row["id"]),
                required_moment(row["created_date"]),
                required(row["table"]),
                required(row["scope_id"]),
            ),
        ),
        deployment_commits=load(
            INCIDENTS / "prev_success_deployment_commit" / "cicd_deployment_commits_after.csv",
            deployment_commit,
        ),
    )
    expected = load(
        INCIDENTS / "snapshot_tables" / "project_incident_deployment_relationships.csv",
        lambda row: IncidentDeployment(
            required(row["id"]), required(row["project_name"]), required(row["deployment_id"])
        ),
    )
    matched = [row for row in expected if row in got]
    assert len(expected) == 6
    assert len(matched) == len(expected), f"{len(matched)}/{len(expected)} rows matched"
    # The repo3 incident has no row: repo3 belongs to no project in this mapping.
    assert got == expected


# Hand-built cases for the rules the fixtures pin down only once.

UTC = dt.UTC
T0 = dt.datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def one_pr(**changes: object) -> PullRequest:
    fields: dict[str, object] = {
        "id": "pr1",
        "base_repo_id": "repo1",
        "author_id": "ann",
        "merge_commit_sha": "m1",
        "created_date": T0,
        "merged_date": T0 + dt.timedelta(hours=1),
    }
    fields.update(changes)
    return PullRequest(**fields)  # type: ignore[arg-type]


def metrics_of(
    pr: PullRequest, comments: list[PullRequestComment] | None = None
) -> list[PrMetrics]:
    return pr_metrics(
        mappings=[ProjectMapping("p", "repos", "repo1")],
        pull_requests=[pr],
        commits=[PullRequestCommit("pr1", "c1", T0 - dt.timedelta(seconds=1))],
        comments=comments or [],
        deployment_commits=[],
        commits_diffs=[],
    )


def test_one_second_rounds_up_to_one_minute_and_cycle_sums_the_parts() -> None:
    # Coding: 1 s -> 1 min; open 60 min; no deployment -> deploy 0: cycle 1 + 60 + 0 = 61.
    (row,) = metrics_of(one_pr())
    assert (row.coding_time, row.deploy_time, row.cycle_time) == (1, None, 61)


def test_the_authors_own_comment_is_not_a_review() -> None:
    comments = [
        PullRequestComment("k1", "pr1", "ann", T0 + dt.timedelta(minutes=1)),
        PullRequestComment("k2", "pr1", "bob", T0 + dt.timedelta(minutes=10)),
    ]
    (row,) = metrics_of(one_pr(), comments)
    # Pickup 9:00 -> 9:10 = 10 min; review 9:10 -> merged 10:00 = 50 min.
    assert (row.first_review_id, row.pickup_time, row.review_time) == ("k2", 10, 50)


def test_a_naive_time_is_refused_naming_the_field() -> None:
    with pytest.raises(DevLakeInputError) as caught:
        metrics_of(one_pr(created_date=dt.datetime(2024, 1, 1)))
    assert caught.value.message == NAIVE_TIME
    assert caught.value.field == "pull_requests[pr1].created_date"


def test_a_duplicate_pull_request_is_refused() -> None:
    with pytest.raises(DevLakeInputError) as caught:
        pr_metrics(
            mappings=[],
            pull_requests=[one_pr(), one_pr()],
            commits=[],
            comments=[],
            deployment_commits=[],
            commits_diffs=[],
        )
    assert caught.value.message == DUPLICATE_ID
    assert caught.value.field == "pull_requests[1].id"


def test_a_missing_id_is_refused() -> None:
    with pytest.raises(DevLakeInputError) as caught:
        link_incidents(
            mappings=[], incidents=[Incident("", T0, "repos", "r")], deployment_commits=[]
        )
    assert caught.value.message == NOT_AN_ID


def test_an_incident_before_any_deployment_has_no_link() -> None:
    deployment = DeploymentCommit(
        "1", "pipe", "ci", "sha", "SUCCESS", "PRODUCTION", T0, T0 + dt.timedelta(hours=1), None
    )
    links = link_incidents(
        mappings=[ProjectMapping("p", "boards", "b"), ProjectMapping("p", "cicd_scopes", "ci")],
        incidents=[
            Incident("early", T0, "boards", "b"),
            Incident("late", T0 + dt.timedelta(hours=2), "boards", "b"),
        ],
        deployment_commits=[deployment],
    )
    assert links == [IncidentDeployment("late", "p", "pipe")]


def test_a_wrongly_typed_deployment_field_is_refused() -> None:
    deployment = DeploymentCommit("1", "pipe", "ci", "sha", "SUCCESS", 7, T0, T0, None)  # type: ignore[arg-type]
    with pytest.raises(DevLakeInputError) as caught:
        link_incidents(mappings=[], incidents=[], deployment_commits=[deployment])
    assert caught.value.field == "deployment_commits[1].environment"


def deploy(
    commit_id: str, pipeline: str, sha: str, started: dt.datetime, prev: str | None
) -> DeploymentCommit:
    return DeploymentCommit(
        commit_id,
        pipeline,
        "ci",
        sha,
        "SUCCESS",
        "PRODUCTION",
        started,
        started + dt.timedelta(minutes=30),
        prev,
    )


def test_the_earliest_deployment_to_ship_a_merge_commit_wins() -> None:
    # d1 (base) -> d2 and d1 -> d3 both ship m1; d3 started first (10:00 before 11:00), so the PR
    # (merged 10:00, 1 h after 9:00) is deployed at d3's finish 10:30: deploy 30 min, cycle
    # 1 (coding, 1 s rounded up) + 60 + 30 = 91.
    later, earlier = T0 + dt.timedelta(hours=2), T0 + dt.timedelta(hours=1)
    (row,) = pr_metrics(
        mappings=[ProjectMapping("p", "repos", "repo1"), ProjectMapping("p", "cicd_scopes", "ci")],
        pull_requests=[one_pr()],
        commits=[PullRequestCommit("pr1", "c1", T0 - dt.timedelta(seconds=1))],
        comments=[],
        deployment_commits=[
            deploy("d1", "p0", "base", T0 - dt.timedelta(days=1), None),
            deploy("d2", "p2", "two", later, "d1"),
            deploy("d3", "p3", "three", earlier, "d1"),
        ],
        commits_diffs=[CommitDiff("two", "base", "m1"), CommitDiff("three", "base", "m1")],
    )
    assert (row.deployment_commit_id, row.deploy_time, row.cycle_time) == ("d3", 30, 91)


def test_a_diff_from_another_base_does_not_count() -> None:
    # d2's previous deployment shipped "base", but the diff holding m1 starts at "other".
    (row,) = pr_metrics(
        mappings=[ProjectMapping("p", "repos", "repo1"), ProjectMapping("p", "cicd_scopes", "ci")],
        pull_requests=[one_pr()],
        commits=[],
        comments=[],
        deployment_commits=[
            deploy("d1", "p0", "base", T0 - dt.timedelta(days=1), None),
            deploy("d2", "p2", "two", T0 + dt.timedelta(hours=2), "d1"),
        ],
        commits_diffs=[CommitDiff("two", "other", "m1")],
    )
    assert row.deployment_commit_id is None


def test_equal_finish_times_link_to_the_later_started_deployment() -> None:
    finish = T0 + dt.timedelta(hours=1)
    first = DeploymentCommit("1", "early", "ci", "a", "SUCCESS", "PRODUCTION", T0, finish, None)
    second = DeploymentCommit(
        "2", "late", "ci", "b", "SUCCESS", "PRODUCTION", T0 + dt.timedelta(minutes=5), finish, None
    )
    links = link_incidents(
        mappings=[ProjectMapping("p", "boards", "b"), ProjectMapping("p", "cicd_scopes", "ci")],
        incidents=[Incident("i", finish + dt.timedelta(seconds=1), "boards", "b")],
        deployment_commits=[second, first],
    )
    assert links == [IncidentDeployment("i", "p", "late")]
