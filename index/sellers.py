"""Who is behind a listing: contact details and shop addresses read from listing text, and the tier
of credit-based supervision a seller has earned by its confirmed infringements.

Why here, in the store's room: the store writes a seller's *link values* (phone, WeChat, QQ, e-mail,
shop address, product-photo hash) when it adds a lead (:func:`listing_links`), so that seller
networks (:mod:`index.networks`) can be read back from either backend without re-reading every
listing; and the workbench and the reports compute tiers the same way (:func:`assess`). Nothing here
touches a database: plain functions over text, testable on their own.

Scraped text is hostile and sellers dodge filters on purpose: a phone number is written with
spaces, dashes, full-width or Chinese digits ("１３９-1234-5678", "幺三九…"); WeChat is "V信", "薇信",
"威信", "vx", "卫星"; QQ is "扣扣" or "企鹅"; e-mail "name(at)qq.com". Every value is normalised
(:func:`normalise_value`) so two spellings of one number link the same sellers, and numbers that only
look like phones (prices, order numbers, size lists) are not taken: a mobile number is 11 digits
1[3-9]xxxxxxxxx, with no digit directly before or after it.

Tiers (docs/sellers.md has the domain reasoning): the office supervises infringers by credit, in
tiers — here ``none`` → ``watch`` → ``warning`` → ``key_supervision`` — and a seller found again and
again moves up. Only confirmations inside a recency window count (``tier_recency_days``), so a
seller that stopped infringing drops back; the thresholds are configuration (``Config.tier_*``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Literal, Mapping, Sequence

from index.fulltext import nfkc

LinkKind = Literal["phone", "wechat", "qq", "email", "address", "image"]
LINK_KINDS: tuple[str, ...] = ("phone", "wechat", "qq", "email", "address", "image")
TIERS: tuple[str, ...] = ("none", "watch", "warning", "key_supervision")
COUNTED_STATUSES: frozenset[str] = frozenset({"confirmed", "notified", "removed", "rejected", "still_online"})
"""Lead statuses that count as a confirmed infringement for the tier: the office confirmed it, and
neither dismissed it later nor was answered by a seller's counter-notice (``counter_notice``:
contested, CONTRACTS §10 / E-Commerce Law Art. 43). A platform's ``rejected`` does not undo the
office's own finding."""
TEXT_FIELDS: tuple[str, ...] = ("title", "description", "seller_name")
"""Listing fields contact details are read from."""


@dataclass(frozen=True)
class Contact:
    """One contact detail found in a listing: its kind, the normalised value, and the text it was read
    from (for the analyst: which spelling the seller used)."""

    kind: str
    value: str
    raw: str


# -- normalising text ------------------------------------------------------------------------------
_CHINESE_DIGITS = str.maketrans({
    "〇": "0", "零": "0", "一": "1", "幺": "1", "壹": "1", "二": "2", "贰": "2", "两": "2", "三": "3", "叁": "3",
    "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6", "七": "7", "柒": "7", "八": "8", "捌": "8",
    "九": "9", "玖": "9",
})
_CHINESE_DIGIT_RUN = re.compile(r"[〇零一幺壹二贰两三叁四肆五伍六陆七柒八捌九玖\d][〇零一幺壹二贰两三叁四肆五伍六陆七柒八捌九玖\d\s\-]{8,}")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069\u00ad]")


def _plain(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII), invisible characters dropped, and runs of
    Chinese digits that spell a number ("幺三九一二三四五六七八") turned into ASCII digits."""
    text = _INVISIBLE.sub("", nfkc(text))

    def digits(match: re.Match[str]) -> str:
        run = match.group(0)
        converted = run.translate(_CHINESE_DIGITS)
        # Only a run that is mostly digits once converted is a number ("一二三四五六七八九十" is not text
        # anyone reads as prose; "一件" is never 9 characters of digits).
        return converted if sum(c.isdigit() for c in converted) >= 9 else run

    return _CHINESE_DIGIT_RUN.sub(digits, text)


# -- phones ------------------------------------------------------------------------------------------
_SEP = r"[\s\-.·—_]"
_PHONE = re.compile(
    r"(?<![\d])(?<!\d" + _SEP + r")"
    r"(1[3-9]\d{9}"                                       # 13912345678
    r"|1[3-9]\d" + _SEP + r"{1,2}\d{4}" + _SEP + r"{1,2}\d{4}"  # 139-1234-5678, 139 1234 5678
    r"|1" + _SEP + r"[3-9](?:" + _SEP + r"\d){9})"          # 1 3 9 1 2 3 4 5 6 7 8
    r"(?!" + _SEP + r"?\d)")
_COUNTRY_CODE = re.compile(r"(?:\+|00)\s*86" + _SEP + r"?(?=1[3-9])")


def find_phones(text: str) -> list[Contact]:
    """Mainland mobile numbers in ``text`` (already :func:`_plain`), normalised to 11 digits."""
    text = _COUNTRY_CODE.sub(" ", text)
    return [Contact("phone", re.sub(r"\D", "", m.group(1)), m.group(1)) for m in _PHONE.finditer(text)]


# -- WeChat, QQ, e-mail --------------------------------------------------------------------------------
# Labels sellers write for WeChat: the word itself, homophones and shape-alikes (威信, 薇信, 徽信, 维信,
# 卫星 "satellite" = wei-xing), letter forms (V信, vx, wx, wechat). A bare 微/薇/V needs 加 or + before it
# or a colon after it ("加V：abc123"), or it would catch ordinary words.
_WECHAT_LABEL = (r"(?:微信|威信|薇信|徽信|维信|唯信|卫星|[vV]信|[vV]❤|[vV][xX]|[wW][xX]|wechat|weixin|WeChat|WECHAT)"
                 r"(?:号|账号|同号)?")
_WECHAT_SHORT = r"(?:(?<=加)|(?<=\+))(?:[vV]|微|薇)|(?:[vV]|微|薇)(?=\s*[:：])"
_ID_TAIL = r"\s*(?:号)?\s*[:：=]?\s*"
_WECHAT = re.compile(r"(?:" + _WECHAT_LABEL + r"|" + _WECHAT_SHORT + r")" + _ID_TAIL +
                     r"([A-Za-z][-_A-Za-z0-9]{5,19}|1[3-9]\d{9})(?![-_A-Za-z0-9])")
_QQ = re.compile(r"(?:QQ|qq|Qq|qQ|扣扣|抠抠|企鹅|[qQ]号)(?:号|群)?" + _ID_TAIL + r"([1-9]\d{4,10})(?!\d)")
_AT = re.compile(r"\s*(?:\(at\)|\[at\]|\{at\}|（at）|艾特|圈a|\bat\b)\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*(?:\(dot\)|\[dot\]|点)\s*(?=com\b|cn\b|net\b|org\b)", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")


def find_handles(text: str) -> list[Contact]:
    """WeChat ids, QQ numbers and e-mail addresses in ``text`` (already :func:`_plain`)."""
    found: list[Contact] = []
    for m in _WECHAT.finditer(text):
        value = m.group(1)
        # A WeChat id that is a mobile number ("微信同号" written out) is that phone: it links by phone.
        kind = "phone" if re.fullmatch(r"1[3-9]\d{9}", value) else "wechat"
        found.append(Contact(kind, value.lower(), m.group(0)))
    for m in _QQ.finditer(text):
        found.append(Contact("qq", m.group(1), m.group(0)))
    mail_text = _DOT.sub(".", _AT.sub("@", text))
    for m in _EMAIL.finditer(mail_text):
        value = m.group(1).strip(".").lower()
        found.append(Contact("email", value, m.group(1)))
    return found


def extract_contacts(text: Any) -> list[Contact]:
    """Every phone, WeChat, QQ and e-mail in ``text``, normalised, first occurrence of each value
    only, in the order found. Anything that is not text gives nothing."""
    if not isinstance(text, str) or not text:
        return []
    if len(text) <= 200:  # seller names and shop boilerplate repeat across listings (≈9 µs a text)
        return list(_short_contacts(text))
    return _contacts(text)


@functools.lru_cache(maxsize=1 << 14)
def _short_contacts(text: str) -> tuple[Contact, ...]:
    return tuple(_contacts(text))


# What every contact needs somewhere in the text (after :func:`_plain`): a WeChat label holds v, w,
# 微 or 薇, or is one of 威信 徽信 维信 唯信 卫星; a QQ label holds q or is 扣扣 抠抠 企鹅; an e-mail has "@"
# or what _AT turns into one ("at" in any case, 艾特, 圈a); a phone is 11 digits. A text with none of
# them holds no contact, and most titles have none: the full scan (≈20 µs for a title, description
# and seller name) is skipped (tests/test_sellers_extraction.py: both ways agree, on every label).
_CONTACT_SIGN = re.compile(r"[vVwWqQ@微薇]|威信|徽信|维信|唯信|卫星|扣扣|抠抠|企鹅|艾特|圈[aA]|[aA][tT]")
_ELEVEN_DIGITS = re.compile(r"(?:\D*\d){11}")


def may_hold_contacts(plain: str) -> bool:
    """False when ``plain`` (a :func:`_plain` text) cannot hold any contact :func:`find_handles`
    or :func:`find_phones` would find."""
    return _CONTACT_SIGN.search(plain) is not None or _ELEVEN_DIGITS.match(plain) is not None


# A cheaper test of the same kind on the NFKC text alone (before :func:`_plain`'s two passes): a
# sign found in the plain text is in the NFKC text too, perhaps with invisible characters between
# its characters (which _plain drops), and the plain text's digits are the NFKC text's digits plus
# the Chinese numerals it turns into digits.
_GAP = _INVISIBLE.pattern + "*"
_SIGN_WORDS = (("威", "信"), ("徽", "信"), ("维", "信"), ("唯", "信"), ("卫", "星"), ("扣", "扣"), ("抠", "抠"),
               ("企", "鹅"), ("艾", "特"), ("圈", "[aA]"), ("[aA]", "[tT]"))
"""_CONTACT_SIGN's signs of two characters, one by one."""
_SIGN_CHAR = re.compile("[vVwWqQ@微薇]|" + "|".join(_GAP.join(word) for word in _SIGN_WORDS))
_DIGITISH = re.compile(r"[\d〇零一幺壹二贰两三叁四肆五伍六陆七柒八捌九玖]")


def may_hold_any(text: str) -> bool:
    """False when ``text`` (raw) cannot hold any contact: :func:`may_hold_contacts` of its
    :func:`_plain` form is then False too (tests/test_index_worker.py checks it on random texts).
    Why: most listing texts hold none, and this costs ≈0.5 µs a text where ``_plain`` and
    ``may_hold_contacts`` cost ≈2 (issue 7: the worker's per-lead work)."""
    folded = nfkc(text)
    return _SIGN_CHAR.search(folded) is not None or len(_DIGITISH.findall(folded)) >= 11


def _contacts(text: str) -> list[Contact]:
    text = text[:20_000]  # a listing's text is bounded; hostile megabytes are not read whole
    if not may_hold_any(text):
        return []
    plain = _plain(text)
    if not may_hold_contacts(plain):
        return []
    return scan_contacts(plain)


def scan_contacts(plain: str) -> list[Contact]:
    """Every contact in ``plain`` (a :func:`_plain` text), first occurrence of each value only."""
    seen: set[tuple[str, str]] = set()
    out: list[Contact] = []
    for contact in find_handles(plain) + find_phones(plain):
        key = (contact.kind, contact.value)
        if key not in seen:
            seen.add(key)
            out.append(contact)
    return out


# -- shop addresses --------------------------------------------------------------------------------
_ADDRESS_LABEL = re.compile(
    r"(?:店铺地址|实体店地址|门店地址|实体店|店址|公司地址|经营地址|地址)\s*[:：]\s*([^\s,，。；;！!|｜]{6,80})")
_ADDRESS_WORDS = re.compile(r"[市区县镇乡村路街道巷弄号楼栋室]")
_PROVINCE_PREFIX = re.compile(r"^(?:中华人民共和国|中国)?(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|特别行政区))(?=.*[市州盟])")
_ADDRESS_NOISE = re.compile(r"[\s,，。.;；:：、\-—_·()（）\[\]【】#＃\"'“”‘’/|]")


def normalise_address(text: Any) -> str:
    """A shop address in one canonical spelling: NFKC (full-width digits), no spaces or punctuation,
    no leading "中国" or province (a city-level address names the same place with or without it).
    "江苏省 苏州市相城区 湖滨路１８号" and "苏州市相城区湖滨路18号" are the same; "" for nothing usable."""
    if not isinstance(text, str):
        return ""
    plain = _ADDRESS_NOISE.sub("", _plain(text[:500])).casefold()
    plain = _PROVINCE_PREFIX.sub("", plain)
    return plain if len(plain) >= 6 and _ADDRESS_WORDS.search(plain) else ""


def address_in_text(text: Any) -> str:
    """The shop address a description states after a label ("店铺地址：…", "实体店：…"), normalised;
    "" when it states none."""
    if not isinstance(text, str):
        return ""
    text = text[:20_000]
    if "址" not in text and "店" not in text:  # every label holds one (no other character folds into
        return ""  # either: tests/test_index_worker.py); most descriptions hold neither (issue 7)
    for m in _ADDRESS_LABEL.finditer(_plain(text)):
        address = normalise_address(m.group(1))
        if address:
            return address
    return ""


# -- what the store keeps per seller ------------------------------------------------------------------
def listing_contacts(listing: Mapping[str, Any]) -> list[Contact]:
    """Contact details of a listing: from its title, description and seller name, and its shop
    address (the platform's ``shop_address`` field if it gives one, else one stated in the
    description)."""
    found: list[Contact] = []
    seen: set[tuple[str, str]] = set()
    for name in TEXT_FIELDS:
        for contact in extract_contacts(listing.get(name)):
            if (contact.kind, contact.value) not in seen:
                seen.add((contact.kind, contact.value))
                found.append(contact)
    raw_address = listing.get("shop_address")
    address = normalise_address(raw_address) or address_in_text(listing.get("description"))
    if address:
        found.append(Contact("address", address, raw_address if isinstance(raw_address, str) and raw_address
                             else address))
    return found


def listing_links(listing: Mapping[str, Any], image_phash: Any = None) -> list[tuple[str, str]]:
    """The (kind, value) pairs a lead's listing links its seller by: its contacts, its address and the
    perceptual hash of its first image (16 hex digits; ``image_phash`` of the listing, which the
    image-hash pipeline sets, unless given) when one was computed."""
    links = [(c.kind, c.value) for c in listing_contacts(listing)]
    if image_phash is None:
        image_phash = listing.get("image_phash")
    if isinstance(image_phash, str) and re.fullmatch(r"[0-9a-f]{16}", image_phash):
        links.append(("image", image_phash))
    return links


# -- tiers ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierThresholds:
    """Confirmed infringements (within ``recency_days``) a seller needs for each tier."""

    watch: int = 1
    warning: int = 3
    key_supervision: int = 5
    recency_days: int = 180

    def __post_init__(self) -> None:
        if not 1 <= self.watch <= self.warning <= self.key_supervision:
            raise ValueError("tier thresholds must satisfy 1 <= watch <= warning <= key_supervision "
                             f"(got {self.watch}, {self.warning}, {self.key_supervision}); fix tier_*_confirmed")
        if self.recency_days < 1:
            raise ValueError(f"tier_recency_days must be at least 1, got {self.recency_days}")

    @classmethod
    def from_config(cls, config: Any) -> "TierThresholds":
        """The thresholds of a :class:`markwatch.config.Config` (defaults for missing fields)."""
        default = cls()
        return cls(watch=getattr(config, "tier_watch_confirmed", default.watch),
                   warning=getattr(config, "tier_warning_confirmed", default.warning),
                   key_supervision=getattr(config, "tier_key_confirmed", default.key_supervision),
                   recency_days=getattr(config, "tier_recency_days", default.recency_days))


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time as the store writes it ("…Z"), as an aware UTC datetime; None if unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def tier(confirmed_count: int, last_confirmed: Any, now: Any, thresholds: TierThresholds) -> str:
    """The tier of a seller with ``confirmed_count`` confirmed infringements inside the recency window,
    the latest at ``last_confirmed``: ``none`` when the latest is older than the window (or there is
    none), else the highest tier whose threshold the count reaches."""
    last, at = parse_time(last_confirmed), parse_time(now)
    if last is None or at is None or confirmed_count < thresholds.watch:
        return "none"
    if at - last > timedelta(days=thresholds.recency_days):
        return "none"
    if confirmed_count >= thresholds.key_supervision:
        return "key_supervision"
    if confirmed_count >= thresholds.warning:
        return "warning"
    return "watch"


@dataclass(frozen=True)
class TierAssessment:
    """A seller's tier and why: the confirmations counted, those too old to count, the latest, and
    what the next tier needs."""

    tier: str
    recent: int
    """Confirmed infringements within the window."""
    older: int
    """Confirmed infringements before the window (they no longer count)."""
    last_confirmed: str | None
    window_days: int
    next_tier: str | None
    needed_for_next: int
    """More recent confirmations the next tier needs (0 at the top)."""

    def to_json(self) -> dict[str, Any]:
        return {"tier": self.tier, "recent_confirmed": self.recent, "older_confirmed": self.older,
                "last_confirmed": self.last_confirmed, "window_days": self.window_days,
                "next_tier": self.next_tier, "needed_for_next": self.needed_for_next}


def assess(confirmed_at: Iterable[Any], now: Any, thresholds: TierThresholds) -> TierAssessment:
    """The tier earned by confirmations at the times ``confirmed_at`` (one per confirmed lead),
    judged at ``now``."""
    at = parse_time(now) or datetime.now(timezone.utc)
    cutoff = at - timedelta(days=thresholds.recency_days)
    times = sorted(t for t in (parse_time(x) for x in confirmed_at) if t is not None and t <= at)
    recent = [t for t in times if t >= cutoff]
    last = recent[-1] if recent else (times[-1] if times else None)
    name = tier(len(recent), recent[-1] if recent else None, at, thresholds)
    steps = {"none": thresholds.watch, "watch": thresholds.warning, "warning": thresholds.key_supervision}
    position = TIERS.index(name)
    next_tier = TIERS[position + 1] if position + 1 < len(TIERS) else None
    needed = max(0, steps[name] - len(recent)) if name in steps else 0
    return TierAssessment(tier=name, recent=len(recent), older=len(times) - len(recent),
                          last_confirmed=last.strftime("%Y-%m-%dT%H:%M:%SZ") if last else None,
                          window_days=thresholds.recency_days, next_tier=next_tier, needed_for_next=needed)


def confirmation_time(status: str, history: Sequence[Any]) -> str | None:
    """When a lead with ``status`` and lifecycle ``history`` (oldest first; items with ``to_status``
    and ``at``) was confirmed, if it counts for the tier (:data:`COUNTED_STATUSES`): the time of the
    latest step into ``confirmed``. None when it does not count."""
    if status not in COUNTED_STATUSES:
        return None
    times = [getattr(step, "at", None) for step in history if getattr(step, "to_status", None) == "confirmed"]
    times = [t for t in times if t]
    return times[-1] if times else None


def link_rows(listings: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[tuple[str, str, str, str]]:
    """(platform, seller_id, kind, value) rows, distinct and sorted, from (platform, seller_id,
    listing) triples: what a store's ``seller_links()`` answers (each backend feeds it the current
    listing of every lead that has a seller)."""
    rows: set[tuple[str, str, str, str]] = set()
    for platform, seller_id, listing in listings:
        if not seller_id or not isinstance(listing, Mapping):
            continue
        for kind, value in listing_links(listing):
            rows.add((platform, seller_id, kind, value))
    return sorted(rows)
