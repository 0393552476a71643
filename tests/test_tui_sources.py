"""The library fetches too: `i` adds a page or feed URL, `R` refreshes the feeds in a worker
while the list stays usable, and failing sources are shown with their reason. Against the real
HTTP server of tests/http_server.py; nothing reaches the internet."""

from __future__ import annotations

from http_server import server  # noqa: F401  (the fixture)
from tui_helpers import make_app, seeded, settle, type_text  # noqa: F401

from newsmark.fetch import FetchConfig
from storage.repo import Store
from tui.widgets import ArticleList

LOOPBACK_OK = FetchConfig(allow_private=True)  # the local server is on loopback


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
    app.fetch_config = LOOPBACK_OK
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
    app.fetch_config = LOOPBACK_OK
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
    app.fetch_config = LOOPBACK_OK
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await add_url(pilot, "ftp://example.org/x")
        await add_url(pilot, server.url("/files/report.pdf"))
        messages = list(app.notices)
        assert any("unsupported URL scheme 'ftp'" in m for m in messages)
        assert any("content type 'application/pdf'" in m for m in messages)
        assert app.screen.query_one(ArticleList).total == 2


# --- private addresses and the config's [fetch] table ------------------------------------------


async def test_i_refuses_a_private_address_by_default(server, seeded, make_app):  # noqa: F811
    path, _ids = seeded
    app = make_app(path)  # built without fetch settings, outside `newsmark tui`: the defaults
    url = server.url("/web/de_schule.html?case=tui-refused")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await add_url(pilot, url)
        messages = list(app.notices)
        assert f"{url}: refused: 127.0.0.1 is a loopback address (allow_private = true under [fetch] " \
               "in the config file allows it)" in messages
        assert app.screen.query_one(ArticleList).total == 2
    assert server.hits("/web/de_schule.html?case=tui-refused") == 0


async def test_the_config_file_of_newsmark_tui_sets_the_fetches(  # noqa: F811
        server, seeded, make_app, tmp_path, monkeypatch):  # noqa: F811
    """The app that `newsmark tui --config FILE` runs fetches with FILE's [fetch] settings."""
    from click.testing import CliRunner

    from newsmark.config import load_config
    from tui.app import NewsmarkApp
    from tui.cli import main
    from tui.sources import fetch_config_for, fetch_config_from

    path, _ids = seeded
    config = tmp_path / "config.toml"
    config.write_text("[fetch]\nallow_private = true\ntimeout = 7\n", "utf-8")
    built = []
    monkeypatch.setattr(NewsmarkApp, "run", lambda app: built.append(app))
    result = CliRunner().invoke(main, ["tui", "--db", str(path), "--config", str(config)])
    assert result.exit_code == 0, result.output
    settings = fetch_config_for(built[0])
    assert (settings.allow_private, settings.total_timeout) == (True, 7.0)

    app = make_app(path)
    app.fetch_config = fetch_config_from(load_config(config))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await add_url(pilot, server.url("/web/de_schule.html?case=tui-config"))
        assert app.screen.query_one(ArticleList).total == 3
    assert server.hits("/web/de_schule.html?case=tui-config") == 1
    assert fetch_config_for(make_app(path)).total_timeout == 60.0  # no [fetch]: the defaults