"""Fetch throughput: 200 pages from a local server that delays every response by 50 ms.

The ideal wall time at concurrency 8 is 200 × 50 ms ÷ 8 = 1.25 s; the ratio measured ÷ ideal
should be ≤ 1.5. Per-host politeness must not be the bottleneck, so two setups are measured:

- ``spread``: the default ``FetchConfig`` (concurrency 8, per host 2), the pages spread
  round-robin over the 8 loopback addresses 127.0.0.2 … 127.0.0.9 (one server, one port,
  listening on each address);
- ``one host``: every page from 127.0.0.1 with ``per_host=8``.

Only fetching is measured (no cleaning, no storage). The server is a ``ThreadingHTTPServer`` in a
thread of this process (a thread per connection, so 8 concurrent 50 ms sleeps overlap).

Run from the repository root: ``.venv/bin/python bench/fetch.py [--pages 200] [--delay 0.05]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from http_server import TestServer  # noqa: E402

from newsmark.fetch import FetchConfig, Fetcher  # noqa: E402


async def fetch_all(urls: list[str], config: FetchConfig) -> float:
    async with Fetcher(config) as fetcher:
        await fetcher.fetch(urls[0].rsplit("/gen/", 1)[0] + "/gen/999999")  # warm-up, not timed
        started = time.perf_counter()
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
        elapsed = time.perf_counter() - started
    assert all(r.status == 200 and r.body for r in results)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--delay", type=float, default=0.05, help="server delay per response, seconds")
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    ideal = args.pages * args.delay / args.concurrency

    with TestServer() as server:
        hosts = [f"127.0.0.{i}" for i in range(2, 10)]
        for h in hosts:
            server.listen(h)
        q = f"?delay={args.delay}"
        setups = {
            "spread over 127.0.0.2-9, per_host 2 (default)": (
                [server.url(f"/gen/{n}{q}", hosts[n % len(hosts)]) for n in range(args.pages)],
                FetchConfig(concurrency=args.concurrency, allow_private=True),
            ),
            "one host 127.0.0.1, per_host 8": (
                [server.url(f"/gen/{n}{q}") for n in range(args.pages)],
                FetchConfig(concurrency=args.concurrency, per_host=8, allow_private=True),
            ),
        }
        print(f"{args.pages} pages, server delay {args.delay * 1000:g} ms, concurrency "
              f"{args.concurrency}: ideal {ideal:.3f} s")
        for label, (urls, config) in setups.items():
            server.reset_concurrency()
            elapsed = asyncio.run(fetch_all(urls, config))
            print(f"  {label}: {elapsed:.3f} s, ratio {elapsed / ideal:.2f} "
                  f"(target <= 1.5; server saw at most {server.max_inflight_total} in flight)")


if __name__ == "__main__":
    main()
