"""The server CPU of one uncached GET, in process, with its cProfile: where a request's time goes.

    .venv/bin/python benchmarks/profile_request.py --database-url sqlite:////tmp/x/mixed.db \\
        --user admin /api/v1/requirements?limit=50

Each request carries a query parameter of its own, so the read cache never answers it; thread-pool
hops run inline (unless --threads), so the profile sees the route's work as well as the
framework's. The figure is the least of five rounds: other work on the machine only adds to it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import pstats
import sys
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import anyio.to_thread


async def _inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
    return func(*args)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", help="path and query, e.g. /api/v1/requirements?limit=50")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--user", default="admin", help="an API token is made for this user")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=35, help="lines of the profile to print")
    parser.add_argument("--page", action="store_true", help="as a signed-in browser, not a token")
    parser.add_argument(
        "--cached", action="store_true", help="the same URL each time: the read cache's hit path"
    )
    parser.add_argument(
        "--threads", action="store_true", help="hop to worker threads as a server does"
    )
    parser.add_argument("--save", help="write the profile here too (pstats format)")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    if not args.threads:
        anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    from tmse.app import create_app
    from tmse.core.actor import Actor
    from tmse.core.identity.credentials import create_token, start_web_session
    from tmse.core.identity.service import user_by_name
    from tmse.core.signing import sign
    from tmse.settings import Settings

    settings = Settings(database_url=args.database_url, secret_key="profile", log_level="WARNING")
    app = create_app(settings)
    with app.state.db.session() as session:
        owner = user_by_name(session, args.user)
        assert owner is not None, f"no user {args.user}"
        if args.page:
            session_id = start_web_session(session, owner, dt.timedelta(hours=1))
            cookie = f"tmse_session={sign(app.state.secret_key, session_id)}; tmse_csrf=profile"
            headers = [(b"cookie", cookie.encode())]
        else:
            _, token = create_token(session, Actor.system("profile"), owner, "profile")
            headers = [(b"authorization", f"Bearer {token}".encode())]
    path, _, query = args.path.partition("?")

    async def one(turn: int) -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": (query if args.cached else f"{query}&profile={turn}").encode(),
            "headers": [(b"host", b"localhost"), *headers],
            "client": ("127.0.0.1", 1),
            "server": ("localhost", 80),
            "app": app,
        }
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    async def run(first: int, count: int) -> None:
        for turn in range(first, first + count):
            status = await one(turn)
            if status != 200:
                raise SystemExit(f"{args.path} answered {status}")

    asyncio.run(run(0, 20))  # first use of the route, its queries and templates
    rounds = []
    for turn in range(5):
        started = time.process_time()
        asyncio.run(run(20 + turn * args.requests, args.requests))
        rounds.append(1000 * (time.process_time() - started) / args.requests)
    cpu_ms = min(rounds)
    print("rounds:", " ".join(f"{r:.2f}" for r in rounds))
    profile = cProfile.Profile()
    profile.enable()
    asyncio.run(run(20 + 5 * args.requests, args.requests))
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    if args.save:
        profile.dump_stats(args.save)
    print(f"{args.path}: {cpu_ms:.2f} ms CPU per request (without the profiler)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
