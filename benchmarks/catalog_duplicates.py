"""Duplicate construction on 10,000 random services with planted duplicate pairs.

Prints the time of blocking + scoring, how many pairs were scored instead of all n(n-1)/2, and
how many planted pairs rank within the top (as many places as pairs were planted); writes
benchmarks/results/catalog_duplicates.json. Targets: ≤ 60 s and every planted pair in the top.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tmse.catalog.duplicates.similarity import Candidate, candidate_pairs, find_duplicates

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SECONDS = 60.0
console = Console(width=None if sys.stdout.isatty() else 120)
CHINESE = "订单支付用户库存物流发票账户消息通知风控营销会员积分商品搜索推荐评价客服结算对账清分报表"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--planted", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--output", type=Path, default=RESULTS / "catalog_duplicates.json")
    return parser.parse_args()


def _word(rng: random.Random, letters: str = "bcdfghklmnprstvz", vowels: str = "aeiou") -> str:
    return "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


def random_catalogue(
    services: int, planted: int, seed: int
) -> tuple[list[Candidate], set[tuple[str, str]]]:
    """Random services over shared vocabularies, plus `planted` near-copies renamed and reworded."""
    rng = random.Random(seed)
    name_words = sorted({_word(rng) for _ in range(600)})
    # A Zipf-like description vocabulary: a few words everyone uses, a long tail of rare ones.
    text_words = sorted({_word(rng) for _ in range(5000)})
    text_weights = [1 / (rank + 1) for rank in range(len(text_words))]
    fields = sorted({_word(rng) + "_" + _word(rng) for _ in range(800)})
    catalogue: list[Candidate] = []
    names: set[str] = set()
    while len(catalogue) < services - planted:
        name = "-".join(rng.sample(name_words, rng.randint(2, 3)))
        if name in names:
            continue
        names.add(name)
        if rng.random() < 0.1:
            description = "".join(rng.choice(CHINESE) for _ in range(rng.randint(12, 30)))
        else:
            description = " ".join(rng.choices(text_words, text_weights, k=rng.randint(8, 20)))
        resources = rng.sample(name_words, rng.randint(1, 3))
        paths = tuple(
            f"{rng.choice(['GET', 'POST', 'PUT', 'DELETE'])} /v1/{resource}"
            + rng.choice(["", "/{id}", "/{id}/items"])
            for resource in resources
        )
        schema = tuple(rng.sample(fields, rng.randint(0, 6)))
        catalogue.append(Candidate(name, "service", description, f"team-{rng.randrange(97)}",
                                   paths, schema))  # fmt: skip
    truth: set[tuple[str, str]] = set()
    for original in rng.sample(catalogue, planted):
        tokens = original.name.split("-")
        # Abbreviate one word, add a generic suffix: "pay-gateway" → "pa-gateway-svc".
        shortened = rng.randrange(len(tokens))
        tokens[shortened] = tokens[shortened][: max(3, len(tokens[shortened]) - 2)]
        name = "-".join(tokens) + rng.choice(["-svc", "-service", "-api", ""])
        if name in names:
            continue
        names.add(name)
        words = list(original.description.split(" ") if " " in original.description
                     else original.description)  # fmt: skip
        for _ in range(len(words) // 4):  # reword a quarter
            words[rng.randrange(len(words))] = (
                rng.choice(CHINESE) if " " not in original.description else rng.choice(text_words)
            )
        description = ("" if " " not in original.description else " ").join(words)
        paths = tuple(path.replace("/v1/", "/v2/").replace("{id}", "{key}")
                      for path in original.paths)  # fmt: skip
        schema = tuple(
            "".join(part.title() if i else part for i, part in enumerate(field.split("_")))
            for field in original.schema_fields
        )
        catalogue.append(Candidate(name, "api", description, original.owner, paths, schema))
        truth.add((min(name, original.name), max(name, original.name)))
    rng.shuffle(catalogue)
    return catalogue, truth


def main() -> int:
    options = arguments()
    catalogue, truth = random_catalogue(options.services, options.planted, options.seed)
    start = time.perf_counter()
    blocked = candidate_pairs(catalogue)
    blocking_s = time.perf_counter() - start
    start = time.perf_counter()
    results = find_duplicates(catalogue)
    total_s = time.perf_counter() - start
    top = {(pair.first, pair.second) for pair in results[: len(truth)]}
    found_in_top = len(truth & top)
    found_anywhere = len(truth & {(pair.first, pair.second) for pair in results})
    all_pairs = len(catalogue) * (len(catalogue) - 1) // 2

    rows = [
        ("services", f"{len(catalogue):,}", f"{len(truth)} planted duplicate pairs"),
        ("prepare + blocking", f"{blocking_s:.2f} s", f"{len(blocked):,} candidate pairs"),
        ("all pairs (not scored)", f"{all_pairs:,}", f"{len(blocked) / all_pairs:.3%} scored"),
        ("find_duplicates end to end", f"{total_s:.2f} s", f"target ≤ {TARGET_SECONDS:.0f} s"),
        ("pairs above threshold", f"{len(results):,}", "threshold 0.5"),
        ("planted pairs in top", f"{found_in_top}/{len(truth)}", f"top {len(truth)}"),
        ("planted pairs above threshold", f"{found_anywhere}/{len(truth)}", ""),
    ]
    table = Table(title="Duplicate construction")
    for column in ("measure", "value", "detail"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)

    met = total_s <= TARGET_SECONDS and found_in_top == len(truth)
    report: dict[str, Any] = {
        "services": len(catalogue),
        "planted": len(truth),
        "seed": options.seed,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "blocking_seconds": round(blocking_s, 3),
        "total_seconds": round(total_s, 3),
        "candidate_pairs": len(blocked),
        "all_pairs": all_pairs,
        "results": len(results),
        "planted_in_top": found_in_top,
        "planted_above_threshold": found_anywhere,
        "targets_met": met,
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2) + "\n")
    console.print("targets met" if met else "[red]target missed[/red]")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
