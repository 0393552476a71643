"""The library fetches too: `i` adds a page or feed URL, `R` refreshes the feeds in a worker
while the list stays usable, and failing sources are shown with their reason. Against the real
HTTP server of tests/http_server.py; nothing reaches the internet."""

from __future__ import annotations

from http_server import server  # noqa: F401  (the fixture)
from tui_helpers import make_app, seeded, settle, type_text  # noqa: F401

from storage.repo import Store
from tui.widgets import ArticleList


async def add_url(pilot, url: str) -> None:
    await pilot.press("i")
    await type_text(pilot, url)
    await pilot.press("enter")
    await settle(pilot)


def sources_line(app) -> str:
    return str(app.screen.query_one("#library-sources").render())


async def test_i_adds_a_page(server, seeded, make_app):  # noqa: F811
    path, ids = seeded
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(ArticleList).total == 2
        await add_url(pilot, server.url("/web/de_schule.html"))
        assert app.screen.query_one(ArticleList).total == 3
        assert not app.screen.query_one("#library-sources").has_class("visible")
    store = Store(path)
    (row,) = [r for r in store.library("x") if r.id not in ids.values()]
    art = store.article(row.id)
    assert art.origin == "page" and art.url == server.url("/web/de_schule.html")


async def test_i_subscribes_to_a_feed_and_r_refreshes_in_a_worker(server, seeded, make_app):  # noqa: F811
    path, _ids = seeded
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await add_url(pilot, server.url("/feeds/rss_news.xml"))
        store = app.store
        (feed,) = store.feeds()
        assert feed.articles >= 1 and feed.last_success and not feed.last_error
        assert "feeds 1" in sources_line(app) and "all fine" in sources_line(app)
        total = app.screen.query_one(ArticleList).total
        assert total == 2 + feed.articles

        # a second feed that fails: R refreshes both; the list stays usable meanwhile
        store.add_feed(server.url("/status/404"), "kaputt", [])
        await pilot.press("R")
        await pilot.press("down")  # the list answers while the worker fetches
        assert app.screen.query_one(ArticleList).cursor == 1
        await settle(pilot)
        line = sources_line(app)
        assert "kaputt" in line and "HTTP 404" in line
        assert {f.name: bool(f.last_error) for f in store.feeds()}[feed.name] is False


async def test_a_bad_url_is_reported_not_raised(server, seeded, make_app):  # noqa: F811
    path, _ids = seeded
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await add_url(pilot, "ftp://example.org/x")
        await add_url(pilot, server.url("/files/report.pdf"))
        messages = [n.message for n in app._notifications]
        assert any("unsupported URL scheme 'ftp'" in m for m in messages)
        assert any("content type 'application/pdf'" in m for m in messages)
        assert app.screen.query_one(ArticleList).total == 2
