"""Never lose the article: when the cheap extraction looks wrong, try the costlier candidates.

``clean_html`` first runs trafilatura in fast mode with recall focus, then the residue pass. On
most pages that is the best result there is, and the cheapest. On some pages it is plainly not
the article: a subscription or registration box that is larger than the article beside it, only
the page's teaser where the page also has a (free preview) paragraph, a few promo headlines. This
module decides from the cheap result whether it *looks wrong*, and only then pays for more.

The cheap result looks wrong when it is

- **boilerplate**: the residue pass dropped at least half of what trafilatura found; or at least
  half of what is left is boilerplate to :func:`newsmark.clean.boilerplate.is_boilerplate_line`
  (subscription, registration, cookie, archive promos: the dump cleaner's vocabulary, read here,
  not copied); or no line is running prose (:data:`PROSE_WORDS` words), only headlines and labels;
- **the teaser**: short, and made (:data:`HEADER_SHARE`) of the words of the page's title and
  description;
- **a small part of the page**: under :data:`SHORT` characters and under :data:`PAGE_SHARE` of
  the page's text (trafilatura's ``html2txt``, measured only for such short results).

Candidates, cheapest first:

1. for a boilerplate result, the same fast extraction on a copy of the page without the elements
   that hold its boilerplate lines (the smallest container holding them all when its text is
   mostly theirs: the notice box goes as a whole, :func:`prune`). Taken when it is not
   boilerplate itself and holds more text outside boilerplate lines than the cheap result;
2. trafilatura's full cascade in its balanced default (readability and jusText comparison,
   baseline rescue, recall escalation: :data:`CASCADE`), with the same residue pass. It replaces
   the cheap result when it is not boilerplate, at least :data:`GROW` times longer, and either the
   cheap result was boilerplate or the cascade's text contains it (:data:`COVER` of its words: a
   longer text that *extends* a short one is the article the short one began; a longer text
   about something else is not: a Q&A page's answers instead of its question, a consent form
   instead of a recipe, PHP warnings instead of a blog post). A teaser gets the cascade's
   paragraphs it lacks appended (the preview paragraph behind the teaser). An empty cheap result
   takes any non-empty candidate.

Why, measured with ``bench/extraction.py`` on both development sets together (dev: 181 pages,
shingle metric; dev2: 304 pages, snippet metric):

- the cascade on every page: dev F1 0.975 -> 0.972, dev2 0.922 -> 0.927, about 10 ms more CPU on
  every page; with recall focus (``favor_recall``) dev2 gains less (0.926) and dev loses more
  (0.971). The cheap pass alone is best on dev and the cheapest, so it stays the default;
- this gate (before it: the cascade only when fast mode found under 200 characters): dev
  unchanged at 0.975 with no page under half its gold, dev2 0.924 -> 0.928 and pages keeping
  less than half of their gold 9 -> 5 (trafilatura's default: 7). About one page in 25 runs the
  cascade, one in thirteen measures the page's text; the other pages pay nothing (a short
  body is one under 1000 characters: 1500 measured the page twice as often for the same scores);
- without the "contains the cheap result" condition the cascade swaps a correct short text for
  a longer wrong one as often as it rescues a page; a page share of 15 % gives the same scores
  with the cascade on a fifth more pages, 25 % replaces complete short articles on dev with
  larger page parts. The teaser threshold sits in a flat range (70 % and 80 % of title and
  description words give the same scores).

No rule names a site or fires on one page alone; the two failures the issue describes are
``tests/fixtures/html/de_subscription_box.html`` and ``de_free_preview.html`` (written for the
tests, not taken from a benchmark).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass, field

from .boilerplate import is_boilerplate_line

__all__ = ["CASCADE", "CHEAP", "Candidate", "choose", "looks_like_boilerplate", "prune"]

# The cheap extraction (fast mode, recall focus) and the costly one (trafilatura's full cascade).
CHEAP = {"include_comments": False, "include_tables": True, "fast": True, "favor_recall": True}
CASCADE = {"include_comments": False, "include_tables": True}

SHORT = 1000  # characters: a shorter body is compared with the page
PAGE_SHARE = 0.10  # a short body under this share of the page's text looks wrong
RESIDUE_SHARE = 0.5  # the residue pass dropped at least this share: mostly boilerplate
BOILERPLATE_SHARE = 0.5  # this share of the body's characters in boilerplate lines: mostly boilerplate
PROSE_WORDS = 12  # a line of running prose has at least this many words
HEADER_SHARE = 0.7  # this share of a short body's words in the page's title and description: a teaser
GROW = 2.0  # the candidate must be this many times longer (plus MARGIN characters)
MARGIN = 100
COVER = 0.7  # share of the cheap body's words the candidate must contain to extend it
BOX_SHARE = 0.6  # a container whose text is this much boilerplate is removed as a whole

_WORD = re.compile(r"\w+")
_MARKER = re.compile(r"^(?:#+|[-*>]|\d+[.)])\s+")


@dataclass(slots=True)
class Candidate:
    """One extraction: the rendered ``texts`` of the ``blocks`` kept by the residue pass (one per
    block, parallel lists), the ``header`` parts the residue pass found, and the rendered lines
    trafilatura found before the residue pass (``found``)."""

    blocks: list
    texts: list[str]
    header: dict = field(default_factory=dict)
    found: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)

    @property
    def lines(self) -> list[str]:
        return [line for text in self.texts for line in text.split("\n") if line.strip()]

    def boilerplate(self) -> list[str]:
        """The lines trafilatura found that are boilerplate: dropped by the residue pass (except
        the page-header parts it moved to metadata), or known to the boilerplate vocabulary."""
        kept = set(self.lines)
        header = {_key(v) for v in self.header.values() if isinstance(v, str)}
        dropped = [line for line in self.found if line not in kept and _key(line) not in header]
        return dropped + [line for line in kept if is_boilerplate_line(_MARKER.sub("", line))]


def _key(line: str) -> str:
    return " ".join(_WORD.findall(_MARKER.sub("", line).lower()))


def _prose(c: Candidate) -> bool:
    return any(len(_WORD.findall(line)) >= PROSE_WORDS for line in c.lines)


def looks_like_boilerplate(c: Candidate) -> bool:
    """Mostly what the residue pass or the boilerplate vocabulary knows, or no running prose."""
    n = len(c.text)
    if n < RESIDUE_SHARE * len("\n\n".join(c.found)) or not _prose(c):
        return True
    if n < SHORT:  # a long body is not a notice box; the vocabulary check costs a regex per line
        lines = c.lines
        total = sum(len(line) for line in lines)
        junk = sum(len(line) for line in lines if is_boilerplate_line(_MARKER.sub("", line)))
        return total == 0 or junk >= BOILERPLATE_SHARE * total
    return False


def _covered(a: str, b: str) -> float:
    """Share of the words of ``a`` that occur in ``b``."""
    wa = _WORD.findall(a.lower())
    if not wa:
        return 0.0
    wb = set(_WORD.findall(b.lower()))
    return sum(w in wb for w in wa) / len(wa)


_BOX_TAGS = ("p", "div", "section", "aside", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
             "blockquote", "span", "a", "td", "dd", "dt", "form", "article", "header", "footer")


def prune(tree, lines: Iterable[str]):
    """A copy of ``tree`` without the elements that hold ``lines``: the smallest container holding
    all of them when its text is mostly theirs (a notice box), else each element on its own."""
    want = {k for k in map(_key, lines) if k}
    if not want:
        return None
    tree = deepcopy(tree)
    hits = []
    for el in tree.iter(_BOX_TAGS):
        if any(el is h or h in el.iterancestors() for h in hits[-1:]):
            continue  # inside the previous hit
        if _key(el.text_content()) in want:
            hits.append(el)
    if not hits:
        return None
    box = hits[0]
    for hit in hits[1:]:
        ancestors = set(hit.iterancestors())
        while box is not None and box is not hit and box not in ancestors:
            box = box.getparent()
    if box is not None and box.getparent() is not None and box.tag not in ("body", "html"):
        hit_chars = sum(len(_key(h.text_content())) for h in hits)
        if hit_chars >= BOX_SHARE * len(_key(box.text_content())):
            hits = [box]
    for el in hits:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)  # the tail goes with it: text between boxes is not the article
    return tree


def _substance(c: Candidate) -> int:
    """Characters of the body outside boilerplate lines."""
    return sum(len(line) for line in c.lines if not is_boilerplate_line(_MARKER.sub("", line)))


def _merge(first: Candidate, second: Candidate) -> Candidate | None:
    """``first`` followed by the blocks of ``second`` it does not already hold; None when those
    add less than :data:`MARGIN` characters."""
    have = first.text
    extra = [(b, t) for b, t in zip(second.blocks, second.texts, strict=True) if _covered(t, have) < COVER]
    if sum(len(t) for _, t in extra) < MARGIN:
        return None
    return Candidate(first.blocks + [b for b, _ in extra], first.texts + [t for _, t in extra],
                     first.header, first.found + second.found)


def choose(tree, extract: Callable[[object, dict], Candidate], page_chars: Callable[[], int],
           known: str = "") -> Candidate:
    """The cheap extraction of ``tree``, or a better one when the cheap one looks wrong (see the
    module docstring). ``extract(tree, options)`` runs one extraction and the residue pass;
    ``page_chars()`` measures the page's text and is called only for a short result; ``known`` is
    the page's title and description."""
    cheap = extract(tree, CHEAP)
    n = len(cheap.text)
    junk = looks_like_boilerplate(cheap)
    teaser = n < SHORT and bool(known) and _covered(cheap.text, known) >= HEADER_SHARE
    if not junk and not teaser and (n >= SHORT or n >= PAGE_SHARE * page_chars()):
        return cheap
    if junk and cheap.text:
        # the extractor chose a notice box: take the box out of the page and extract again
        pruned = prune(tree, cheap.boilerplate())
        if pruned is not None:
            again = extract(pruned, CHEAP)
            if not looks_like_boilerplate(again) and _substance(again) > _substance(cheap):
                return again
    other = extract(tree, CASCADE)
    if not cheap.text:
        return other if other.text else cheap
    if looks_like_boilerplate(other):
        return cheap
    longer = len(other.text) >= GROW * n + MARGIN
    if longer and (junk or _covered(cheap.text, other.text) >= COVER):
        return other  # the cheap body was boilerplate, or only the start of this one
    if teaser:
        return _merge(cheap, other) or cheap  # the page's teaser, then what the cascade adds
    return cheap
