"""Special marks (mascots, event emblems) read as the everyday word, verse or cartoon their names are,
in a listing that says nothing of the event (海豹 for 海宝, 圆圆脸, 萌鸡小队 乐乐 公仔, Hong Bao).

Why apart: a special mark is judged whatever the goods, so its own rules look for the event's and
the mascot goods' words (lexicon ``mascot_event``, ``mascot_goods``) and for cartoons.
"""

from __future__ import annotations

from functools import lru_cache

from matchers import ordinary, wording
from matchers.candidates import BENT_CHARACTERS, Hit
from matchers.compiled import CompiledRegister
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, light_field, stands_alone, title_cues


def mascot_word_signals(vec: list[float], reasons: list[Reason], compiled: CompiledRegister, right_idx: int,
                        hits: list[Hit], ctx: ListingContext) -> None:
    """A special mark's name read as the everyday word it bends or is (海豹 or 海报 for the mascot 海宝,
    福猩猩 for 福星星, 青青 小草 for 青青) in a listing that says nothing of the event or a mascot: no
    event word (lexicon ``mascot_event``: 吉祥物, 亚运, 纪念 …), no mascot goods (``mascot_goods``: 公仔,
    T恤 …) and no other right of the same holder. Why: a special mark is judged whatever the goods, so its
    bent spellings and its everyday-word names meet ordinary text everywhere; an unlicensed mascot
    product says whose mascot it is (all the special-mark infringements of the labelled sets do),
    a cartoon or a seal does not. A bent spelling, or a name the text's words cut across (海宝宝),
    needs an event word (a cartoon's plush is a 公仔 too); an exact name that is a dictionary word
    needs an event word or mascot goods. Told as an ordinary word (lowers the score)."""
    tickets = title_cues(ctx, "admission")
    if tickets:  # 家电博览会 门票 转让: the event's own admission, no goods under its name
        vec[INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "admission", "cue": max((c[2] for c in tickets), key=len), "seen": hits[0].seen})
        return
    cue = _exhibitor_cue(hits, ctx)
    if cue:  # 本社产品曾参展农交会: the seller's fact, no use of the fair's name on the goods
        vec[INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "exhibitor", "cue": cue, "seen": hits[0].seen})
        return
    if all(h.form.latin for h in hits):
        word = _latin_mascot_word(compiled, right_idx, hits, ctx)
        if word:
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": word, "word": word})
        return
    bent = [h for h in hits if h.how in BENT_CHARACTERS and not h.form.latin]
    exact = [h for h in hits if h.how == "exact" and not h.form.latin]
    if not bent and not exact or len(bent) + len(exact) < len(hits):
        return
    if _mascot_context(compiled, right_idx, ctx, "mascot_event"):
        return
    if vec[INDEX["split_by_words"]]:  # 海宝宝 for 海宝: glued into another name, as good as bent
        word = next(r["word"] for r in reasons if r["code"] == "split_by_words")
        vec[INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "ordinary_word", "seen": hits[0].seen, "word": word})
        return
    if exact and title_cues(ctx, "written_work"):
        for hit in exact:  # 一日看尽长安花 书法: the verse's words, written out on a scroll
            raw = light_field(ctx, hit.field)
            if hit.field == "title" and not stands_alone(raw, hit.seen):
                vec[INDEX["ordinary_word"]] = 1.0
                reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": _glued_run(raw, hit.seen)})
                return
    for hit in bent:
        word = _word_over_bend(ctx.texts[hit.field], hit)
        if word:
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": word})
            return
    if bent:
        if not exact and (not _mascot_context(compiled, right_idx, ctx, "mascot_goods")
                          or not all(_drawn_as_mark(hit) for hit in bent)):
            # 荣宝 毛笔: a bent spelling with neither the event nor a mascot's goods names nothing of it; 龙宝 公仔,
            # 毛宝 贴纸: a name of common characters that sounds like the mascot's, on a toy, is a toy's own name
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": bent[0].seen, "word": bent[0].seen})
        return
    for hit in exact:
        word = _reduplicated_word(ctx.texts[hit.field], hit)
        if word:  # 圆圆脸, 圆圆框: a doubled adjective before its noun, not the mascot 圆圆
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": word})
            return
    if _cartoon_context(ctx, exact):  # 萌鸡小队 乐乐 公仔: the cartoon's 乐乐, not the mascot
        vec[INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "ordinary_word", "seen": exact[0].seen, "word": exact[0].seen})
        return
    if _mascot_context(compiled, right_idx, ctx, "mascot_goods"):
        return
    for hit in exact:
        if hit.seen in ordinary.dictionary_word_set() and stands_alone(light_field(ctx, hit.field), hit.seen):
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": hit.seen})
            return


_LATIN_NEAR = frozenset(("fuzzy", "lookalike"))  # Latin hits one letter off a form


def _latin_mascot_word(compiled: CompiledRegister, right_idx: int, hits: list[Hit], ctx: ListingContext) -> str:
    """A special mark's Latin name read as something else, or "": one letter off its pinyin with no event
    word (Hong Bao, a red envelope, for the mascot Rong Bao: pinyin one letter off is mostly another
    word, so a near miss needs the event's words as a bent Chinese spelling does), or written exactly in a
    cartoon's listing (Ledi of Super Wings). Why: cross-border listings write mascots in pinyin."""
    if _mascot_context(compiled, right_idx, ctx, "mascot_event"):
        return ""
    if all(h.how in _LATIN_NEAR for h in hits):
        return hits[0].seen
    exact = [h for h in hits if h.how == "exact"]
    if exact and len(exact) == len(hits) and _cartoon_context(ctx, exact):
        return exact[0].seen
    if exact and len(exact) == len(hits) and all(h.form.text in compiled.name_forms for h in exact) \
            and not _mascot_context(compiled, right_idx, ctx, "mascot_goods"):
        return exact[0].seen  # Tina 名字贴, Milo 狗牌: a given name with neither the event nor mascot goods
    return ""


@lru_cache(maxsize=1)
def _reduplicated_nouns() -> frozenset[str]:
    from matchers.lexicon import lexicon

    return frozenset(lexicon().get("reduplicated_nouns", ()))


def _reduplicated_word(text: str, hit: Hit) -> str:
    """A doubled character (圆圆, 甜甜) glued to the next character where the single one and that
    character make a word (圆脸, 圆框: 圆圆脸 is a round face), or after a character that makes a word
    of the whole (亮晶晶); the phrase, or "". Chinese doubles an adjective before its noun, so a
    mascot named by a doubled everyday word meets it inside such phrases; lexicon ``reduplicated_nouns``
    names the nouns such phrases end in that are no word with the single character (圆框)."""
    seen = hit.seen
    if len(seen) != 2 or seen[0] != seen[1] or not ordinary.is_cjk(seen[0]):
        return ""
    words = ordinary.dictionary_word_set()
    after = text[hit.end] if hit.end < len(text) else ""
    if after and ordinary.is_cjk(after) and (seen[0] + after in words or after in _reduplicated_nouns()):
        return text[hit.start:hit.end + 1]
    if hit.start and ordinary.is_cjk(text[hit.start - 1]) and text[hit.start - 1] + seen in words:
        return text[hit.start - 1:hit.end]
    return ""


def _cartoon_context(ctx: ListingContext, hits: list[Hit]) -> bool:
    """Does the title name a cartoon (lexicon ``cartoon_names`` other than the mark's own spelling, or
    ``cartoon_context``: 动画, 动漫 …)? Its characters' names are then the cartoon's."""
    if title_cues(ctx, "cartoon_context"):
        return True
    own = [(h.start, h.end) for h in hits if h.field == "title"]
    return any(not any(s < e2 and s2 < e for s2, e2 in own) for s, e, _ in title_cues(ctx, "cartoon_names"))


def _word_over_bend(text: str, hit: Hit) -> str:
    """The dictionary word or place that holds a bent spelling (海豹, 荣宝斋), or the word of two or
    more characters inside it that holds every bent character (猩猩 in 福猩猩 for 福星星), or ""."""
    word = ordinary.word_or_place_around(text, hit.start, hit.end)
    if word:
        return word
    seen, form = text[hit.start:hit.end], hit.form.text
    if len(seen) != len(form):
        return ""
    bent = [i for i, (a, b) in enumerate(zip(seen, form)) if a != b]
    if not bent:
        return ""
    words = ordinary.dictionary_word_set()
    for lo in range(0, bent[0] + 1):
        for hi in range(len(seen), bent[-1], -1):
            if 2 <= hi - lo < len(seen) and seen[lo:hi] in words:
                return seen[lo:hi]
    return ""


def _mascot_context(compiled: CompiledRegister, right_idx: int, ctx: ListingContext, entry: str) -> bool:
    """Does the listing name the event or a mascot (lexicon ``entry``: ``mascot_event`` words, or
    ``mascot_goods`` words beside them), or another right of the same holder? Once per listing."""
    key = f"context:{entry}"
    found = ctx.extra.get(key)
    if found is None:
        text = " ".join(ctx.texts.get(f, "") for f in ("title", "description", "brand"))
        found = ctx.extra[key] = bool(wording.find(entry, text))
    if found:
        return True
    holder = compiled.rights[right_idx].holder
    return bool(holder) and any(idx != right_idx and compiled.rights[idx].holder == holder
                                for idx, _ in ctx.extra.get("pairs") or ())


def pet_name(text: str) -> bool:
    """Is a name a Chinese pet name, 阿 and one character (阿福, 阿宝): the diminutive anybody's child,
    pet, shop or clay figure is called by?"""
    return len(text) == 2 and text[0] == "阿" and ordinary.is_cjk(text[1])


def pet_name_without_event(compiled: CompiledRegister, right_idx: int, hits: list[Hit], ctx: ListingContext,
                           vec: list[float], reasons: list[Reason]) -> None:
    """A special mark found only as a pet name (:func:`pet_name`) in a listing with no cue of its event
    (lexicon ``mascot_event``: 吉祥物, 运动会, 博览会 …, or another right of the same holder, the event's own
    name) is the everyday name, told as an ordinary word (lowers the score): 阿福 福字 抱枕 is the New
    Year's 福, 阿福 招财猫 摆件 a lucky figure, 惠山泥人 大阿福 Wuxi's clay child, none the expo's mascot.
    Why mascot goods (公仔, 摆件) are no cue here, as they are for a dictionary word (above): a figure or
    plush called 阿X is anybody's. A name that is no everyday word (冰墩墩) stays alone. So does a doubled name
    (橙橙, 浪浪) where the title names the thing it is the pet name of (:func:`_doubled_of_a_thing`). The matcher
    asks it of a special mark's pair that its signals did not tell as an ordinary word already."""
    if not all(h.how == "exact" and not h.form.latin for h in hits):
        return
    thing = ""
    if not all(pet_name(h.form.text) for h in hits):
        thing = _doubled_of_a_thing(hits, ctx)
        if not thing:
            return
    if _mascot_context(compiled, right_idx, ctx, "mascot_event"):
        return
    hit = hits[0]
    raw = (ctx.light or {}).get(hit.field) or ctx.texts.get(hit.field, "")
    vec[INDEX["ordinary_word"]] = 1.0
    reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": thing or _glued_run(raw, hit.seen)})


def _doubled_of_a_thing(hits: list[Hit], ctx: ListingContext) -> str:
    """The title's word that a doubled-character name is the pet name of (脐橙 for 橙橙, 流浪猫 for 浪浪, 麦穗 for 穗穗),
    or "": every hit a name of one character twice, that character written again in the title outside
    every hit, and no mascot goods (lexicon ``mascot_goods``: 公仔, 挂件 …) sold. Why: doubling a character is how anything is given a pet name (新鲜 橙橙 脐橙, 给浪浪一个家 for a
    stray cat), and the thing named stands in the same title; a mascot's plush is called by its name alone."""
    if not all(h.field in ("title", "description") and len(h.form.text) == 2 and h.form.text[0] == h.form.text[1]
               for h in hits) or title_cues(ctx, "mascot_goods"):
        return ""  # 穗穗 麦穗娃娃 公仔: a figure of the mascot, whose picture the other word describes
    title = ctx.texts.get("title", "")
    char = hits[0].form.text[0]
    for at, ch in enumerate(title):
        if ch == char and not any(h.field == "title" and h.start <= at < h.end for h in hits):
            return _word_at(title, at)
    return ""


def _word_at(text: str, at: int) -> str:
    """The run of Chinese characters of ``text`` around position ``at``."""
    start, end = at, at + 1
    while start and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    while end < len(text) and "\u4e00" <= text[end] <= "\u9fff":
        end += 1
    return text[start:end]


def _glued_run(raw: str, seen: str) -> str:
    """The run of Chinese characters of ``raw`` that holds ``seen`` (一日看尽长安花 for 长安花), or ``seen``."""
    at = raw.find(seen)
    if at < 0:
        return seen
    start, end = at, at + len(seen)
    while start and "\u4e00" <= raw[start - 1] <= "\u9fff":
        start -= 1
    while end < len(raw) and "\u4e00" <= raw[end] <= "\u9fff":
        end += 1
    return raw[start:end]


def _drawn_as_mark(hit: Hit) -> bool:
    """Is every character where the hit differs from the mark a rare form drawn as the mark's (寳 for 宝, 锦寳 for
    the mascot 锦宝: matchers.variants.drawn_as)? Such a spelling is the mascot's name dressed up, on mascot goods
    a lead without the event's words; a bend to another common character (龙宝 for 陇宝) is another name."""
    from matchers.variants import drawn_as

    drawn = drawn_as()
    seen, mark = hit.seen, hit.form.text
    return len(seen) == len(mark) and all(a == b or drawn.get(a) == b for a, b in zip(seen, mark))


EXHIBITOR_REACH = 8  # characters either side of a fair's name where an exhibitor's word is looked for


def _exhibitor_cue(hits: list[Hit], ctx: ListingContext) -> str:
    """The exhibitor's word (lexicon ``exhibitor``: 参展, 参展商, 展位 …) beside a fair's name that the listing
    writes only in its description (本社产品曾参展农交会, 海交会参展商 展位见详情), or "". Why: an exhibitor says where
    it sold; its goods carry no fair's name, and the title names none."""
    if any(h.field != "description" for h in hits):
        return ""
    text = ctx.texts.get("description", "")
    for hit in hits:
        near = text[max(0, hit.start - EXHIBITOR_REACH):hit.end + EXHIBITOR_REACH]
        found = wording.find("exhibitor", near)
        if found:
            return max((c[2] for c in found), key=len)
    return ""
