"""Publications and works: a book, printed work or film naming a trademark not registered for them
(骆驼祥子, Pandora's Box), for a special mark a work of history or record of its event (世博会 简史), and
for a GI any book or album about its craft or product (The Art of X Thangka 画册).

Why apart: the cues (lexicon ``publication``, ``film_work``, ``history_work``) are also what tells an
edition word (原版) from counterfeit wording, so signals_wording reads :func:`publication_cues`.
"""

from __future__ import annotations

from markwatch.contracts import Right
from matchers import wording
from matchers.candidates import Hit
from matchers.goods import book_word_inside_another
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, title_cues


def publication_signals(vec: list[float], reasons: list[Reason], right: Right, ctx: ListingContext,
                        hits: list[Hit] | None = None) -> None:
    """A book or other printed work (绘本, 英文原版, paperback …, lexicon ``publication``) naming a trademark
    that is not registered for printed matter (class 16): the word belongs to the work's title or
    subject (骆驼祥子, Pandora's Box). Computed once per listing; cost one automaton pass of the title."""
    if right.kind == "special_mark":
        _history_work_signals(vec, reasons, ctx)
        if not vec[INDEX["publication"]] and hits:
            _phrase_of_a_work_title(vec, reasons, hits, ctx)
        return
    if right.kind == "gi":
        _book_about_gi_signals(vec, reasons, ctx)
        return
    if right.kind != "trademark" or 16 in right.nice_classes:
        return
    found = publication_cues(ctx) or title_cues(ctx, "written_work")  # 将船买酒白云边 李白诗句 书法: a poem's line
    if not found and 9 not in right.nice_classes and not vec[INDEX["class_top"]]:
        # a film on a disc (recorded media are class 9); not where the goods are the mark's own (蕉下 防晒伞 黑胶:
        # the umbrella's black UV coating, no vinyl record)
        found = title_cues(ctx, "film_work")
    if found:
        vec[INDEX["publication"]] = 1.0
        reasons.append({"code": "publication", "cue": max((c[2] for c in found), key=len)})


def publication_cues(ctx: ListingContext) -> list[tuple[int, int, str]]:
    """The title's book cues (lexicon ``publication``) that are words of it: not one cut through by the
    segmentation of the text around it (儿童书桌 holds 童书 across 儿童|书桌: a desk, no book)."""
    key = "title:publication:words"
    found = ctx.extra.get(key)
    if found is None:
        title = ctx.texts.get("title", "")
        found = ctx.extra[key] = [c for c in title_cues(ctx, "publication")
                                  if not book_word_inside_another(title, c[0], c[1])]
    return found


def _book_about_gi_signals(vec: list[float], reasons: list[Reason], ctx: ListingContext) -> None:
    """A book, album or other printed work (画册, 图书, 英文原版, "the art of" …, lexicon ``publication``)
    naming a GI: the work is about the craft or product (The Art of X Thangka 画册), it sells no goods of
    that origin, even where the GI's classes hold printed matter (a thangka, a New Year print or paper GI
    is class 16, so the goods agree). Not where the listing has counterfeit wording (a work's 原版 is no such
    wording, signals_wording). Told as a publication with ``ordinary_word``, as for special marks: the
    model learned ``publication`` on trademarks alone."""
    if vec[INDEX["counterfeit"]]:
        return
    found = publication_cues(ctx)
    if found:
        vec[INDEX["publication"]] = vec[INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "publication", "cue": max((c[2] for c in found), key=len)})


def _history_work_signals(vec: list[float], reasons: list[Reason], ctx: ListingContext) -> None:
    """A history or record of the event (lexicon ``history_work``: 简史, 年鉴, 地方志, 纪实 …, or a book
    about its 历史 or 回顾): the games' or expo's name tells what the work is about, the event in its
    ordinary sense, not a mark put on goods (世博会 简史, 青运会 年鉴). A special mark is judged whatever
    the goods, so its mascot's picture book stays a use of the mark: only works of history count.
    Told as a publication; the feature ``ordinary_word`` is set with it, because the model learned
    ``publication`` on trademarks alone (no labelled special mark in a book to learn it from)."""
    cues = title_cues(ctx, "history_work")
    if not cues and publication_cues(ctx):
        cues = title_cues(ctx, "history_topic")
    if cues:
        vec[INDEX["publication"]] = vec[INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "publication", "cue": max((c[2] for c in cues), key=len)})


def _in_a_de_phrase(title: str, hit: Hit) -> bool:
    """Is the hit a noun of a "…的…" phrase: right after 的 (春天的小萌芽) or right before it (舟舟的世界)?"""
    return (hit.start >= 1 and title[hit.start - 1] == "的") or title.startswith("的", hit.end)


def _phrase_of_a_work_title(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext) -> None:
    """A special mark that is a noun of a phrase "…的X" or "X的…" in a book's or a film's title (春天的小萌芽 植物科普
    绘本, 舟舟的世界 纪录片 DVD), the listing naming no event (lexicon ``mascot_event``): the words of the book's title, a sprout in spring, not the
    mascot. Why only after 的: a mascot's own picture book names it alone (小萌芽 绘本), which stays a use of the
    mark; 的 makes it a noun of the phrase the title is written in. Told as a publication with ``ordinary_word``,
    as for a work of history (above)."""
    title = ctx.texts.get("title", "")
    in_title = [h for h in hits if h.field == "title"]
    if not in_title or any(h.how != "exact" or h.form.latin or not _in_a_de_phrase(title, h) for h in in_title):
        return
    found = publication_cues(ctx) or title_cues(ctx, "film_work")  # 舟舟的世界 纪录片 DVD: a film's title
    if not found:
        return
    text = " ".join(ctx.texts.get(f, "") for f in ("title", "description", "brand"))
    if wording.find("mascot_event", text):
        return
    vec[INDEX["publication"]] = vec[INDEX["ordinary_word"]] = 1.0
    reasons.append({"code": "publication", "cue": max((c[2] for c in found), key=len)})
