"""Compare tmse's OpenAPI design rules with Stoplight Spectral's `spectral:oas` on public specs.

Lints every document in tests/standards/fixtures/openapi/ with tmse (check_openapi) and with
`node_modules/.bin/spectral lint -r <ruleset extending spectral:oas> -f json` (one call for all
files), then, for each pair of rules that mean the same thing (SPECTRAL_OAS_EQUIVALENTS), matches
the findings by place: the operation (`/paths/~1pets/get`), the path (`/paths/~1pets/`) or the
top-level key (`/security`). Prints one table per document (rule pair, tmse findings, Spectral
findings, findings in both, agreement) and the counts of the rules only one tool has, with the
reason; writes benchmarks/results/spectral_compare.json. docs/spectral.md explains the figures.

    .venv/bin/python benchmarks/spectral_compare.py            # recommended spectral:oas rules
    .venv/bin/python benchmarks/spectral_compare.py --all      # every spectral:oas rule
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from tmse.integrations.openapi import HTTP_METHODS, SPECTRAL_OAS_EQUIVALENTS, check_openapi

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "standards" / "fixtures" / "openapi"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
RESULTS = Path(__file__).resolve().parent / "results"
console = Console(width=None if sys.stdout.isatty() else 140)

# Why a rule of one tool has no counterpart in the other (docs/spectral.md says more).
TMSE_ONLY = {
    "oas.path-kebab-case": "house style; spectral:oas has no casing rule for paths",
    "oas.path-plural-resource": "house style; spectral:oas has no naming rule for collections",
    "oas.no-verbs-in-path": "house style; spectral:oas does not read path words",
    "oas.versioned-base-path": "house style; spectral:oas does not ask for a version",
    "oas.error-responses": "spectral:oas asks only for a success response",
    "oas.security-required": "oas3-operation-security-defined checks names, not presence",
    "oas.not-openapi3": "Spectral picks its oas2/oas3 rules from the detected format",
}
SPECTRAL_DOCUMENTATION = "documentation completeness, not interface design"
SPECTRAL_SCHEMA = "document correctness, left to a validator (tmse checks the shapes it reads)"
SPECTRAL_ONLY = {
    "info-contact": SPECTRAL_DOCUMENTATION,
    "info-description": SPECTRAL_DOCUMENTATION,
    "info-license": SPECTRAL_DOCUMENTATION,
    "license-url": SPECTRAL_DOCUMENTATION,
    "contact-properties": SPECTRAL_DOCUMENTATION,
    "operation-description": SPECTRAL_DOCUMENTATION,
    "operation-tags": SPECTRAL_DOCUMENTATION,
    "operation-tag-defined": SPECTRAL_DOCUMENTATION,
    "openapi-tags": SPECTRAL_DOCUMENTATION,
    "oas3-parameter-description": SPECTRAL_DOCUMENTATION,
    "tag-description": SPECTRAL_DOCUMENTATION,
    "oas3-server-not-example.com": SPECTRAL_DOCUMENTATION,
    "oas3-api-servers": "tmse reads servers for the version but does not require them",
    "oas3-unused-component": SPECTRAL_SCHEMA,
    "oas3-valid-schema-example": SPECTRAL_SCHEMA,
    "oas3-valid-media-example": SPECTRAL_SCHEMA,
    "no-$ref-siblings": SPECTRAL_SCHEMA,
    "path-params": SPECTRAL_SCHEMA,
    "operation-parameters": SPECTRAL_SCHEMA,
    "typed-enum": SPECTRAL_SCHEMA,
}


@dataclass(frozen=True)
class Finding:
    """One finding of either tool, with the place it is matched on."""

    tool: str  # "tmse" or "spectral"
    rule: str  # the tool's own rule id
    pointer: str  # JSON pointer of the exact place the tool names
    scope: str  # JSON pointer of the operation, path or top-level key the finding is about
    message: str


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--all", action="store_true", help="every spectral:oas rule")
    parser.add_argument("--output", type=Path, default=RESULTS / "spectral_compare.json")
    parser.add_argument("files", nargs="*", type=Path, help="OpenAPI files (default: fixtures)")
    return parser.parse_args()


def fixtures() -> list[Path]:
    """The public specifications and the planted one, in name order."""
    return sorted(FIXTURES.glob("*.yaml"))


def pointer(parts: Iterable[Any]) -> str:
    """RFC 6901 JSON pointer of a path given as its parts."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def scope(parts: Sequence[Any]) -> str:
    """The operation, path or top-level key a place belongs to: what both tools can agree on."""
    if parts and parts[0] == "paths":
        if len(parts) >= 3 and parts[2] in HTTP_METHODS:
            return pointer(parts[:3])
        return pointer(parts[:2])
    return pointer(parts[:1])


def tmse_parts(location: str, document: Mapping[str, Any]) -> list[str]:
    """tmse writes `paths./a/b.get.responses`; a path may hold dots, so match the known keys."""
    if not location:
        return []
    if not location.startswith("paths."):
        return location.split(".")
    rest = location.removeprefix("paths.")
    keys = document.get("paths") if isinstance(document.get("paths"), Mapping) else {}
    candidates = [
        key for key in keys if isinstance(key, str) and (rest == key or rest.startswith(key + "."))
    ]
    if not candidates:
        return ["paths", rest]
    key = max(candidates, key=len)
    tail = rest[len(key) + 1 :]
    return ["paths", key, *(tail.split(".") if tail else [])]


def run_tmse(files: Sequence[Path]) -> dict[str, list[Finding]]:
    """tmse's findings per file name."""
    found: dict[str, list[Finding]] = {}
    for file in files:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
        found[file.name] = [
            Finding(
                "tmse",
                violation.rule,
                pointer(parts := tmse_parts(violation.location, document)),
                scope(parts),
                violation.message,
            )
            for violation in check_openapi(document)
        ]
    return found


def run_spectral(files: Sequence[Path], every_rule: bool = False) -> dict[str, list[Finding]]:
    """Spectral's findings per file name, from one `spectral lint` call over all the files."""
    extends = '[["spectral:oas", all]]' if every_rule else '["spectral:oas"]'
    with tempfile.TemporaryDirectory() as folder:
        ruleset = Path(folder) / ".spectral.yaml"
        ruleset.write_text(f"extends: {extends}\n", encoding="utf-8")
        result = subprocess.run(
            [str(SPECTRAL), "lint", "-r", str(ruleset), "-f", "json", "--quiet"]
            + [str(file) for file in files],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    # Exit status 1 only says that some finding is an error; anything else is a failed run.
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(f"spectral failed ({result.returncode}): {result.stderr.strip()}")
    found: dict[str, list[Finding]] = {file.name: [] for file in files}
    for item in json.loads(result.stdout):
        parts = [str(part) for part in item["path"]]
        found[Path(item["source"]).name].append(
            Finding("spectral", item["code"], pointer(parts), scope(parts), item["message"])
        )
    return found


def compare(tmse: list[Finding], spectral: list[Finding]) -> list[dict[str, Any]]:
    """Per rule pair: the places each tool reports (as multisets) and where they differ."""
    rows = []
    for ours, theirs in SPECTRAL_OAS_EQUIVALENTS.items():
        left = Counter(finding.scope for finding in tmse if finding.rule == ours)
        right = Counter(finding.scope for finding in spectral if finding.rule == theirs)
        both = left & right
        union = left | right
        rows.append(
            {
                "tmse_rule": ours,
                "spectral_rule": theirs,
                "tmse": left.total(),
                "spectral": right.total(),
                "both": both.total(),
                "agreement": both.total() / union.total() if union else None,
                "only_tmse": sorted((left - right).elements()),
                "only_spectral": sorted((right - left).elements()),
            }
        )
    return rows


def unmatched(findings: list[Finding], paired: Iterable[str]) -> Counter[str]:
    """How many findings each rule without a counterpart in the other tool has."""
    skip = set(paired)
    return Counter(finding.rule for finding in findings if finding.rule not in skip)


def main() -> int:
    options = arguments()
    if not SPECTRAL.exists():
        console.print(f"[red]{SPECTRAL} is missing: run `npm ci` first[/red]")
        return 2
    files = options.files or fixtures()
    started = time.perf_counter()
    ours = run_tmse(files)
    tmse_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    theirs = run_spectral(files, options.all)
    spectral_ms = (time.perf_counter() - started) * 1000

    report: dict[str, Any] = {
        "spectral_ruleset": "spectral:oas all" if options.all else "spectral:oas recommended",
        "tmse_ms": round(tmse_ms, 1),
        "spectral_ms": round(spectral_ms, 1),
        "specs": {},
    }
    matched = union = 0
    for file in files:
        rows = compare(ours[file.name], theirs[file.name])
        table = Table(title=f"{file.name}: rules both tools check")
        for column in ("tmse rule ↔ spectral:oas rule", "tmse", "Spectral", "both", "agreement"):
            table.add_column(column, justify="left" if "rule" in column else "right")
        for row in rows:
            rate = "—" if row["agreement"] is None else f"{row['agreement']:.0%}"
            table.add_row(
                f"{row['tmse_rule']} ↔ {row['spectral_rule']}",
                str(row["tmse"]),
                str(row["spectral"]),
                str(row["both"]),
                rate,
            )
            matched += row["both"]
            union += row["both"] + len(row["only_tmse"]) + len(row["only_spectral"])
        console.print(table)
        for row in rows:
            for place in row["only_tmse"]:
                console.print(f"  only tmse     {row['tmse_rule']:<28} {place}")
            for place in row["only_spectral"]:
                console.print(f"  only Spectral {row['spectral_rule']:<28} {place}")
        tmse_only = unmatched(ours[file.name], SPECTRAL_OAS_EQUIVALENTS)
        spectral_only = unmatched(theirs[file.name], SPECTRAL_OAS_EQUIVALENTS.values())
        others = Table(title=f"{file.name}: rules only one tool has", show_header=True)
        for column in ("tool", "rule", "findings", "why no counterpart"):
            others.add_column(column, justify="right" if column == "findings" else "left")
        for rule, count in sorted(tmse_only.items()):
            others.add_row("tmse", rule, str(count), TMSE_ONLY.get(rule, ""))
        for rule, count in sorted(spectral_only.items()):
            others.add_row("Spectral", rule, str(count), SPECTRAL_ONLY.get(rule, "see docs"))
        console.print(others)
        report["specs"][file.name] = {
            "pairs": rows,
            "tmse_only_rules": dict(tmse_only),
            "spectral_only_rules": dict(spectral_only),
            "tmse_findings": [asdict(finding) for finding in ours[file.name]],
            "spectral_findings": [asdict(finding) for finding in theirs[file.name]],
        }
    summary = Table(title="Summary: findings per document (paired = rules both tools check)")
    for column in ("document", "tmse", "Spectral", "paired tmse", "paired Spectral", "both"):
        summary.add_column(column, justify="left" if column == "document" else "right")
    totals: Counter[str] = Counter()
    for name, spec in report["specs"].items():
        pairs = spec["pairs"]
        figures = {
            "tmse": len(spec["tmse_findings"]),
            "spectral": len(spec["spectral_findings"]),
            "paired_tmse": sum(row["tmse"] for row in pairs),
            "paired_spectral": sum(row["spectral"] for row in pairs),
            "both": sum(row["both"] for row in pairs),
        }
        figures["either"] = figures["paired_tmse"] + figures["paired_spectral"] - figures["both"]
        spec["figures"] = figures
        kind = "planted" if name.startswith("planted") else "public"
        totals.update({f"{kind}_{key}": value for key, value in figures.items()})
        summary.add_row(name, *(str(figures[key]) for key in list(figures)[:5]))
    console.print(summary)
    for kind in ("public", "planted"):
        both, either = totals[f"{kind}_both"], totals[f"{kind}_either"]
        report[f"{kind}_agreement"] = both / either if either else None
        rate = f"{both / either:.1%}" if either else "n/a"
        console.print(f"{kind} documents, paired rules: {both} of {either} in both ({rate})")
    report["paired_findings_in_both"] = matched
    report["paired_findings_in_either"] = union
    report["agreement"] = matched / union if union else None
    rate = f"{matched / union:.1%}" if union else "n/a"
    console.print(f"all documents, paired rules: {matched} of {union} in both ({rate})")
    console.print(f"tmse {tmse_ms:.0f} ms, Spectral {spectral_ms:.0f} ms for {len(files)} files.")
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    console.print(f"Wrote {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
