"""Feeds over real HTTP: ``newsmark feed add|list|remove|import-opml|export-opml|refresh`` against
the local server (tests/http_server.py): conditional GETs with 304, fallback to the feed's own
content, malformed and broken feeds. Nothing here reaches the internet; nothing mocks httpx."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import pytest
from http_server import FEED_LAST_MODIFIED, server  # noqa: F401 - the fixture

import newsmark.sources
from newsmark.feeds import parse_opml

PAGE_ENTRIES = {  # path on the server -> (title, author, language)
    "rss": {"/web/de_schule.html": ("Grundschule wird Ganztagsschule", "Sabine Lehrmann", "de")},
    "atom": {"/web/en_library.html": ("City library extends opening hours", "Tom Reader", "en")},
}
FEED_ENTRIES = {  # entries whose page fails (404, PDF): path -> (title, author, text)
    "rss": {
        "/status/404?entry=rss-bruecke": (
            "Brücke über den Kanal wird gesperrt", "Peter Brückner",
            "Die Brücke über den Kanal in der Oststadt wird von Montag an für drei Wochen voll gesperrt."),
        "/files/report.pdf": (
            "Haushaltsbericht 2023 veröffentlicht", None,
            "Die Stadt hat ihren Haushaltsbericht für das Jahr 2023 veröffentlicht."),
    },
    "atom": {
        "/status/404?entry=atom-ferry": (
            "Ferry timetable changes for the summer", "Jane Harbour",
            "The island ferry will run every forty minutes instead of every hour"),
    },
}


def feed_url(server, kind: str, test: str, validators: str = "both") -> str:
    """The feed's address, unique per test (the server ignores ``t``) so requests can be counted."""
    name = {"rss": "rss_news.xml", "atom": "atom_news.xml"}.get(kind, kind)
    return server.url(f"/feeds/{name}?v={validators}&t={test}")


def snapshot(db_path: Path) -> dict[str, list[dict]]:
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return {t: [dict(r) for r in con.execute(f"select * from {t} order by rowid")]
                for t in ("articles", "spans", "status", "actions", "feeds")}
    finally:
        con.close()


def by_url(rows: list[dict], server) -> dict[str, dict]:
    return {r["url"].removeprefix(server.url("")): r for r in rows}


# --- subscriptions ----------------------------------------------------------------------------


def test_feed_add_list_remove(cli, server):
    url = feed_url(server, "rss", "add")
    result = cli("feed", "add", "--allow-private", url)
    assert result.exit_code == 0
    assert result.output == f"subscribed: 127.0.0.1 {url}\n"  # the host is the default name
    other = feed_url(server, "atom", "add")
    noisy = other.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "&utm_source=x#top"
    result = cli("feed", "add", "--allow-private", noisy, "--name", "gazette", "--tag", "en", "--tag", "lokal")
    assert result.output == f"subscribed: gazette {other} [en, lokal]\n"  # canonical URL

    again = cli("feed", "add", "--allow-private", url, "--name", "other")
    assert again.exit_code == 1 and f"{url}: already subscribed" in again.output
    clash = cli("feed", "add", "--allow-private", server.url("/feeds/rss_malformed.xml"), "--name", "gazette")
    assert clash.exit_code == 1
    assert "a feed named 'gazette' exists already; choose another --name" in clash.output
    bad = cli("feed", "add", "--allow-private", "ftp://example.com/feed.xml")
    assert bad.exit_code == 1
    assert "ftp://example.com/feed.xml: unsupported URL scheme 'ftp' (only http and https)" in bad.output

    listing = cli("feed", "list").output.splitlines()
    assert listing == [
        f"127.0.0.1  {url}",
        "    articles: 0  last success: never  last error: -",
        f"gazette [en, lokal]  {other}",
        "    articles: 0  last success: never  last error: -",
    ]
    assert cli("feed", "remove", "gazette").output == "removed: gazette (0 articles kept)\n"
    assert cli("feed", "list").output.splitlines() == listing[:2]
    missing = cli("feed", "remove", "gazette")
    assert missing.exit_code == 1 and "no feed 'gazette'" in missing.output


def test_removing_a_feed_keeps_its_articles(cli, db_path, server):
    cli("feed", "add", "--allow-private", feed_url(server, "rss", "remove-keeps"), "--name", "stadt")
    assert cli("feed", "refresh", "--allow-private", "stadt", "--retries", "0").exit_code == 0
    assert cli("feed", "remove", "stadt").output == "removed: stadt (3 articles kept)\n"
    rows = snapshot(db_path)["articles"]
    assert len(rows) == 3 and all(r["feed_id"] is None for r in rows)


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Meine Feeds</title></head>
  <body>
    <outline text="Nachrichten" title="Nachrichten">
      <outline text="Lokal">
        <outline type="rss" text="Stadtbote" xmlUrl="{rss}&amp;utm_source=opml"/>
      </outline>
      <outline type="rss" text="gazette" title="Example Gazette" xmlUrl="{atom}" category="/english,local"/>
    </outline>
    <outline type="rss" text="Ohne Ordner" xmlUrl="https://example.org/feed.rss"/>
    <outline type="rss" text="Kaputt" xmlUrl="ftp://example.org/feed.rss"/>
  </body>
</opml>
"""


def test_opml_import_folders_become_tags_and_export_round_trips(cli, tmp_path, server):
    rss, atom = feed_url(server, "rss", "opml"), feed_url(server, "atom", "opml")
    src = tmp_path / "subs.opml"
    src.write_text(OPML.format(rss=rss.replace("&", "&amp;"), atom=atom.replace("&", "&amp;")), "utf-8")
    result = cli("feed", "import-opml", src)
    assert result.exit_code == 0
    assert "skipped: ftp://example.org/feed.rss: unsupported URL scheme 'ftp'" in result.output
    assert f"3 feeds added from {src}" in result.output
    listing = cli("feed", "list").output
    assert f"Stadtbote [Nachrichten, Lokal]  {rss}\n" in listing  # nested folders, utm_ dropped
    assert f"Example Gazette [Nachrichten, english, local]  {atom}\n" in listing  # folder + category
    assert "Ohne Ordner  https://example.org/feed.rss\n" in listing

    out = tmp_path / "export.opml"
    assert cli("feed", "export-opml", out).exit_code == 0
    exported = out.read_text("utf-8")
    assert cli("feed", "export-opml").output == exported  # the same on standard output
    assert '<outline text="Nachrichten" title="Nachrichten">' in exported  # a tag is a folder again
    subs = {(s.name, s.url, tuple(s.tags)) for s in parse_opml(exported.encode())}
    assert subs == {
        ("Stadtbote", rss, ("Nachrichten", "Lokal")),
        ("Example Gazette", atom, ("Nachrichten", "english", "local")),
        ("Ohne Ordner", "https://example.org/feed.rss", ()),
    }
    other_db = tmp_path / "other.db"  # import the export elsewhere: the same subscriptions
    assert cli("feed", "import-opml", out, db=other_db).output == f"3 feeds added from {out}\n"
    assert cli("feed", "list", db=other_db).output == listing
    assert cli("feed", "export-opml", db=other_db).output == exported


def test_broken_opml_is_refused(cli, tmp_path):
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline", "utf-8")
    result = cli("feed", "import-opml", bad)
    assert result.exit_code == 1 and f"{bad}: not valid OPML/XML" in result.output


# --- refresh: conditional GET -----------------------------------------------------------------


@pytest.mark.parametrize(("kind", "validators"), [("rss", "both"), ("atom", "both"), ("rss", "etag"), ("atom", "lm")])
def test_refresh_stores_entries_then_a_304_changes_nothing_but_last_checked(
    cli, db_path, server, monkeypatch, kind, validators
):
    parsed = []
    real_parse = newsmark.sources.parse_feed
    monkeypatch.setattr(newsmark.sources, "parse_feed", lambda *a: parsed.append(a) or real_parse(*a))
    url = feed_url(server, kind, f"cond-{kind}-{validators}", validators)
    cli("feed", "add", "--allow-private", url, "--name", kind)

    first = cli("feed", "refresh", "--allow-private", kind, "--json", "--retries", "0")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    expected = len(PAGE_ENTRIES[kind]) + len(FEED_ENTRIES[kind])
    assert (summary["added"], summary["failed"], summary["warnings"]) == (expected, 0, [])
    assert {i["feed"] for i in summary["items"]} == {kind}
    [feed_request] = [s for s in server.requests() if s.path == url.removeprefix(server.url(""))]
    assert "if-none-match" not in feed_request.headers and "if-modified-since" not in feed_request.headers
    assert len(parsed) == 1

    before = snapshot(db_path)
    [row] = before["feeds"]
    etag = row["etag"]
    assert (etag is not None) == (validators in ("both", "etag"))
    assert row["last_modified"] == (FEED_LAST_MODIFIED if validators in ("both", "lm") else None)
    assert row["last_success"] == row["last_checked"] and row["last_error"] is None
    stored = by_url(before["articles"], server)
    assert set(stored) == set(PAGE_ENTRIES[kind]) | set(FEED_ENTRIES[kind])
    for path, (title, author, language) in PAGE_ENTRIES[kind].items():
        assert (stored[path]["origin"], stored[path]["title"], stored[path]["author"]) == ("page", title, author)
        assert stored[path]["language"] == language and stored[path]["source"] == kind
    for path in FEED_ENTRIES[kind]:
        assert stored[path]["origin"] == "feed" and stored[path]["feed_id"] == row["id"]

    seen_before = len(server.requests())
    second = cli("feed", "refresh", "--allow-private", kind, "--json", "--retries", "0")
    assert second.exit_code == 0
    summary = json.loads(second.stdout)
    assert {k: summary[k] for k in ("added", "version", "duplicate", "unchanged", "failed")} == {
        "added": 0, "version": 0, "duplicate": 0, "unchanged": 1, "failed": 0}
    assert summary["items"] == [{"input": url, "state": "unchanged", "reason": "304 Not Modified", "feed": kind}]
    [conditional] = server.requests()[seen_before:]  # the feed only: no entry page fetched
    assert conditional.path == url.removeprefix(server.url("")) and conditional.status == 304
    assert conditional.headers.get("if-none-match") == etag
    assert conditional.headers.get("if-modified-since") == row["last_modified"]
    assert len(parsed) == 1  # a 304 is not parsed

    after = snapshot(db_path)
    assert after["feeds"][0]["last_checked"] > row["last_checked"]
    after["feeds"][0]["last_checked"] = row["last_checked"]
    assert after == before  # nothing else written


def test_entry_page_failure_falls_back_to_the_feed_content(cli, db_path, server):
    url = feed_url(server, "rss", "fallback")
    cli("feed", "add", "--allow-private", url, "--name", "stadtbote")
    result = cli("feed", "refresh", "--allow-private", "stadtbote", "--retries", "0")
    assert result.exit_code == 0
    base = server.url("")
    assert f"added: {base}/web/de_schule.html -> #" in result.output
    assert "Grundschule wird Ganztagsschule\n" in result.output  # from the page: no "(feed content)"
    assert "Brücke über den Kanal wird gesperrt (feed content)" in result.output
    assert "Haushaltsbericht 2023 veröffentlicht (feed content)" in result.output
    assert "3 added, 0 duplicate, 0 failed" in result.output

    stored = by_url(snapshot(db_path)["articles"], server)
    page = stored["/web/de_schule.html"]
    assert page["origin"] == "page" and "Die Grundschule am Lindenplatz" in page["text"]
    assert "Lesen Sie auch" not in page["text"] and "Mehr zum Thema" not in page["text"]
    assert page["published"].startswith("2024-06-03T10:00")  # the page's own metadata wins
    for path, (title, author, text) in FEED_ENTRIES["rss"].items():
        art = stored[path]
        assert art["origin"] == "feed", path  # 404 and application/pdf: the feed's own content
        assert (art["title"], art["author"]) == (title, author)
        assert art["text"].startswith(text) and "<p>" not in art["text"]
        assert art["language"] == "de" and art["source"] == "stadtbote"
    assert stored["/status/404?entry=rss-bruecke"]["published"] == "2024-06-04T06:30:00"


def test_a_failing_entry_without_feed_content_is_reported_and_the_rest_stored(cli, db_path, server):
    url = server.url("/feeds/rss_nocontent.xml?t=nocontent")
    cli("feed", "add", "--allow-private", url, "--name", "links")
    result = cli("feed", "refresh", "--allow-private", "links", "--json", "--retries", "0")
    assert result.exit_code == 0  # the feed itself was read
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["failed"]) == (1, 1)
    gone = server.url("/status/410?entry=gone")
    assert {"input": gone, "state": "failed", "reason": "HTTP 410", "feed": "links"} in summary["items"]
    [row] = snapshot(db_path)["articles"]
    assert row["url"] == server.url("/gen/43") and row["origin"] == "page"
    assert snapshot(db_path)["feeds"][0]["last_error"] is None


# --- refresh: malformed and broken feeds ------------------------------------------------------


def test_malformed_feed_warns_and_uses_the_entries_it_could_read(cli, db_path, server):
    url = server.url("/feeds/rss_malformed.xml?v=none&t=bozo")  # no validators: 200 every time
    cli("feed", "add", "--allow-private", url, "--name", "kaputt")
    result = cli("feed", "refresh", "--allow-private", "kaputt", "--json", "--retries", "0")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    [warning] = summary["warnings"]
    assert warning.startswith(f"{url}: malformed feed (SAXParseException: ")
    assert "not well-formed (invalid token)" in warning
    assert (summary["added"], summary["failed"]) == (2, 0)
    assert sorted(by_url(snapshot(db_path)["articles"], server)) == ["/gen/41", "/gen/42"]

    lines_mode = cli("feed", "refresh", "--allow-private", "kaputt", "--retries", "0")
    assert f"warning: {url}: malformed feed (SAXParseException" in lines_mode.output
    listing = cli("feed", "list").output
    assert "articles: 2" in listing and "last error: -" in listing and "last success: never" not in listing


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_one_failing_feed_never_stops_the_others(cli, db_path, server):
    good = feed_url(server, "rss", "others")
    broken = {
        "garbage": (server.url("/feeds/broken_garbage.xml?t=others"),
                    "not a readable feed: malformed feed (SAXParseException: "),
        "wartung": (server.url("/feeds/broken_html.xml?t=others"),
                    "not an RSS or Atom feed (no feed elements found)"),
        "weg": (server.url("/feeds/nope.xml?t=others"), "HTTP 404"),
        "tot": (f"http://127.0.0.1:{closed_port()}/feed.xml",
                "connection failed (ConnectError: All connection attempts failed; Connection refused); "
                "gave up after 1 attempt"),
    }
    cli("feed", "add", "--allow-private", good, "--name", "gut", "--tag", "ok")
    for name, (url, _) in broken.items():
        cli("feed", "add", "--allow-private", url, "--name", name, "--tag", "kaputt")

    result = cli("feed", "refresh", "--allow-private", "--all", "--retries", "0")
    assert result.exit_code == 0  # one feed worked
    for url, reason in broken.values():
        assert f"failed: {url}: {reason}" in result.output
    assert "3 added, 0 duplicate, 4 failed" in result.output
    assert len(snapshot(db_path)["articles"]) == 3

    listing = cli("feed", "list").output.split("\n")
    status = {listing[i].split()[0]: listing[i + 1] for i in range(0, len(listing) - 1, 2)}
    assert "articles: 3" in status["gut"] and status["gut"].endswith("last error: -")
    assert "last success: never" not in status["gut"]
    for name, (_, reason) in broken.items():
        assert status[name].startswith("    articles: 0  last success: never  last error: ")
        assert reason in status[name]
    rows = {r["name"]: r for r in snapshot(db_path)["feeds"]}
    assert all(rows[n]["last_checked"] and rows[n]["etag"] is None for n in broken)

    only_broken = cli("feed", "refresh", "--allow-private", "--tag", "kaputt", "--retries", "0", "--quiet")
    assert only_broken.exit_code == 1  # every feed asked for failed
    assert only_broken.stdout.strip() == "added=0 version=0 duplicate=0 unchanged=0 failed=4"


# --- refresh: which feeds ---------------------------------------------------------------------


def test_refresh_by_name_tag_or_all(cli, server):
    urls = {
        "stadt": feed_url(server, "rss", "select", "etag"),
        "gazette": feed_url(server, "atom", "select", "lm"),
        "kaputt": server.url("/feeds/rss_malformed.xml?t=select"),
    }
    cli("feed", "add", "--allow-private", urls["stadt"], "--name", "stadt", "--tag", "de")
    cli("feed", "add", "--allow-private", urls["gazette"], "--name", "gazette", "--tag", "en")
    cli("feed", "add", "--allow-private", urls["kaputt"], "--name", "kaputt", "--tag", "de")

    def refreshed(*args: str) -> set[str]:
        before = len(server.requests())
        result = cli("feed", "refresh", "--allow-private", *args, "--retries", "0", "--quiet")
        assert result.exit_code == 0, result.output
        paths = {s.path for s in server.requests()[before:]}
        return {name for name, url in urls.items() if url.removeprefix(server.url("")) in paths}

    assert refreshed("gazette") == {"gazette"}
    assert refreshed("--tag", "de") == {"stadt", "kaputt"}
    assert refreshed("--all") == {"stadt", "gazette", "kaputt"}

    for args in ((), ("stadt", "--all"), ("--tag", "de", "--all")):
        usage = cli("feed", "refresh", "--allow-private", *args)
        assert usage.exit_code == 2 and "give exactly one of NAME, --tag T or --all" in usage.output
    assert "no feed 'nope'" in cli("feed", "refresh", "--allow-private", "nope").output
    assert "no feeds with tag 'fr'" in cli("feed", "refresh", "--allow-private", "--tag", "fr").output


def test_an_unexpected_error_in_one_feed_is_recorded_and_the_others_refreshed(cli, db_path, server, monkeypatch):
    real_parse = newsmark.sources.parse_feed

    def parse(body, url, *rest):  # a parser bug on one feed only
        if "atom_news" in url:
            raise RuntimeError("boom")
        return real_parse(body, url, *rest)

    monkeypatch.setattr(newsmark.sources, "parse_feed", parse)
    cli("feed", "add", "--allow-private", feed_url(server, "rss", "bug"), "--name", "stadt")
    cli("feed", "add", "--allow-private", feed_url(server, "atom", "bug"), "--name", "gazette")
    result = cli("feed", "refresh", "--allow-private", "--all", "--retries", "0")
    assert result.exit_code == 0
    assert f"failed: {feed_url(server, 'atom', 'bug')}: unexpected error (RuntimeError: boom)" in result.output
    assert "3 added, 0 duplicate, 1 failed" in result.output
    rows = {r["name"]: r for r in snapshot(db_path)["feeds"]}
    assert rows["gazette"]["last_error"] == "unexpected error (RuntimeError: boom)"
    assert rows["stadt"]["last_error"] is None and rows["stadt"]["last_success"]
