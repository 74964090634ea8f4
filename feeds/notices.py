"""The notice a platform receives (CONTRACTS §7 NOTICE JSON), built from the lead store's rows.

Why these fields: a notice that the platform must act on has to be a *valid* notice. The
E-Commerce Law Art. 42 asks for preliminary evidence of infringement; the Supreme People's Court's
2020 guidance on notices asks for proof of the right, the holder's real identity, information that
precisely locates each listing, the preliminary evidence and a statement that the notice is true;
GB/T 39550-2020 asks platforms to accept notices that carry the same. So every notice carries:

- ``right``: id, kind, name, holder, registration_no, nice_classes, regions (§7) plus its legal
  ``basis`` — a registered trademark, a GI's protected production area (``production_area``), or
  the regulation protecting a special mark (Olympic Marks / Special Signs Regulation);
- ``holder``: the right holder's identity as the register names it;
- ``listings``: each listing located precisely (url, listing_id, seller_name, seller_id, title,
  price, §7) plus ship-from, the lead id, score and its own reasons;
- ``evidence``: per listing its latest capture (listing_url, captured_at, sha256 of screenshot and
  html, §7) and ``download_url`` ``/api/v1/notices/{id}/evidence/{n}.wacz``: the lead's WACZ
  bundle, which verifies offline (CONTRACTS §8), served only to the notice's platform key;
- ``reasons`` (the listings' reasons, each once), ``requested_measure`` "remove" (§7);
- ``sender`` (the office filing it, ``office_name``/``office_contact`` config), ``legal_basis``
  and ``good_faith_statement`` (Chinese, with an English ``good_faith_statement_en``).

§7's fields are kept exactly; everything else is an addition (readers ignore fields they do not
know). The JSON is frozen when the notice is created (a notice is a document that was sent);
only ``status`` and the disposition change afterwards, added by the store when it is read.

A clue (feeds/clues.py) has the same shape, limited to the listings in the office's jurisdiction,
with ``kind`` "clue", ``office``, ``notice_id`` (the platform notice it accompanies) and
``requested_measure`` "investigate" (the office is asked to act on the seller in its region).

``import feeds.notices`` makes :class:`NoticeComposer` the store's default composer
(:func:`index.linkage.set_default_composer`) with the default sender; :func:`configure` (or
:func:`create_due_notices`) sets the sender from the configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from feeds import clues
from index.linkage import ClueDraft, Endpoint, NoticeDraft, set_default_composer

if TYPE_CHECKING:  # pragma: no cover
    from index.store import LeadStore
    from markwatch.config import Config

DEFAULT_SENDER = "markwatch 知识产权保护办公室"
LEGAL_BASIS = ("《中华人民共和国电子商务法》第四十二条、第四十三条",
               "《最高人民法院关于审理涉电子商务平台知识产权民事案件的指导意见》（2020）",
               "GB/T 39550-2020《电子商务平台知识产权保护管理》")
GOOD_FAITH_ZH = ("本通知人郑重声明：本通知所述权利真实有效，所列商品链接经核查涉嫌侵犯上述权利人的合法权益，"
                 "所附初步证据系依法取得、未经篡改，本通知内容真实、准确。如因通知错误给被通知人造成损失，"
                 "通知人愿依《中华人民共和国电子商务法》第四十二条承担相应法律责任。")
GOOD_FAITH_EN = ("The sender declares that the right stated is valid, that the listings above were checked and are "
                 "suspected of infringing the right holder's lawful rights, that the preliminary evidence attached was "
                 "lawfully obtained and is unaltered, and that this notice is true and accurate; the sender bears "
                 "liability under Art. 42 of the E-Commerce Law for losses a wrong notice causes.")
_BASIS = {
    "trademark": "注册商标专用权（《中华人民共和国商标法》第五十七条）",
    "gi": "地理标志保护（《地理标志产品保护办法》；作为集体商标、证明商标注册的地理标志依《商标法》保护）",
    "olympic": "奥林匹克标志专有权（《奥林匹克标志保护条例》）",
    "special_mark": "特殊标志专有权（《特殊标志管理条例》）",
}
_OLYMPIC_HINTS = ("奥林匹克", "冬奥", "奥运", "olympic", "冰墩墩", "雪容融")
_LISTING_FIELDS = ("url", "listing_id", "seller_name", "seller_id", "title", "price")


def legal_basis(right: Mapping[str, Any]) -> str:
    """What protects the right, in Chinese: the statute or regulation the notice relies on."""
    if right.get("basis"):
        return str(right["basis"])
    kind = str(right.get("kind") or "")
    if kind == "special_mark":
        text = f"{right.get('name', '')} {right.get('holder', '')}".lower()
        return _BASIS["olympic"] if any(h in text for h in _OLYMPIC_HINTS) else _BASIS["special_mark"]
    return _BASIS.get(kind, "")


def right_part(right: Mapping[str, Any]) -> dict[str, Any]:
    """§7 ``right``: the register's facts about the right and the basis of its protection."""
    kind = str(right.get("kind") or "")
    part: dict[str, Any] = {
        "id": right.get("id", ""), "kind": kind, "name": right.get("name", ""),
        "holder": right.get("holder", "") or "", "registration_no": right.get("registration_no", "") or "",
        "nice_classes": list(right.get("nice_classes") or []), "regions": list(right.get("regions") or []),
        "variants": list(right.get("variants") or []), "well_known": bool(right.get("well_known", False)),
        "basis": legal_basis(right),
    }
    if kind == "gi":
        part["production_area"] = list(right.get("regions") or [])
    return part


def listing_part(lead: Any) -> dict[str, Any]:
    """One listing, precisely located (§7) plus what an analyst at the platform checks first."""
    listing = lead.listing or {}
    item = {name: listing.get(name, "" if name != "price" else None) for name in _LISTING_FIELDS}
    item["url"] = lead.url
    item.update({"currency": listing.get("currency", "CNY") or "CNY", "ship_from": listing.get("ship_from", "") or "",
                 "ship_from_province": lead.province or "", "shop_address": listing.get("shop_address", "") or "",
                 "lead_id": lead.id, "score": lead.score, "reasons": list(lead.reasons),
                 "crawled_at": listing.get("crawled_at", "") or ""})
    return item


def evidence_part(leads: Sequence[Any], download_base: str) -> list[dict[str, Any]]:
    """The latest capture of each listing that has one; item ``n`` downloads at
    ``{download_base}/evidence/{n}.wacz``."""
    items = []
    for lead in leads:
        if not lead.evidence:
            continue
        ref = lead.evidence[-1]
        sha = ref.get("sha256") or {}
        items.append({"listing_url": lead.url, "captured_at": ref.get("captured_at", ""),
                      "sha256": {"screenshot": sha.get("screenshot"), "html": sha.get("html")},
                      "download_url": f"{download_base}/evidence/{len(items)}.wacz",
                      "log_entry": ref.get("entry"), "lead_id": lead.id})
    return items


def unique_reasons(leads: Sequence[Any]) -> list[str]:
    return list(dict.fromkeys(reason for lead in leads for reason in lead.reasons))


class NoticeComposer:
    """Composes notices and clues (the :class:`index.linkage.NoticeComposer` the store calls)."""

    def __init__(self, sender_name: str = DEFAULT_SENDER, sender_contact: str = "") -> None:
        self.sender = {"name": sender_name or DEFAULT_SENDER, "contact": sender_contact or "",
                       "role": "知识产权行政管理部门（通知发送人）"}

    @classmethod
    def from_config(cls, config: "Config") -> "NoticeComposer":
        return cls(getattr(config, "office_name", DEFAULT_SENDER), getattr(config, "office_contact", ""))

    def compose_notice(self, draft: NoticeDraft) -> dict[str, Any]:
        right = right_part(draft.right)
        return {
            "id": draft.notice_id, "kind": "notice", "created_at": draft.created_at, "platform": draft.platform,
            "right": right,
            "listings": [listing_part(lead) for lead in draft.leads],
            "evidence": evidence_part(draft.leads, f"/api/v1/notices/{draft.notice_id}"),
            "reasons": unique_reasons(draft.leads),
            "requested_measure": "remove",
            "status": "sent",
            "holder": {"name": right["holder"], "right_id": right["id"]},
            "sender": dict(self.sender),
            "legal_basis": list(LEGAL_BASIS),
            "good_faith_statement": GOOD_FAITH_ZH,
            "good_faith_statement_en": GOOD_FAITH_EN,
            "listing_count": len(draft.leads),
        }

    def route_clues(self, draft: NoticeDraft, offices: Sequence[Endpoint]) -> list[ClueDraft]:
        return clues.route(draft.leads, offices)

    def compose_clue(self, clue_id: str, notice: Mapping[str, Any], clue: ClueDraft) -> dict[str, Any]:
        urls = {lead.url for lead in clue.leads}
        return {
            **notice, "id": clue_id, "kind": "clue", "office": clue.office, "notice_id": notice.get("id", ""),
            "listings": [item for item in notice.get("listings", []) if item.get("url") in urls],
            "evidence": evidence_part(clue.leads, f"/api/v1/clues/{clue_id}"),
            "reasons": unique_reasons(clue.leads),
            "requested_measure": "investigate",
            "listing_count": len(clue.leads),
        }


def configure(config: "Config") -> NoticeComposer:
    """Make the store's default composer name ``config``'s office as the sender; returns it."""
    composer = NoticeComposer.from_config(config)
    set_default_composer(composer)
    return composer


def create_due_notices(store: "LeadStore", config: "Config", now: str | None = None,
                       max_listings: int = 300) -> list[str]:
    """Create the notices (and clues) that are due at ``now`` (the store's clock when None), with
    ``config``'s settle time and sender. Returns the new notice ids."""
    from index.store import utc_now

    return store.linkage.create_due_notices(now or utc_now(), config.notice_settle_seconds, max_listings,
                                            composer=NoticeComposer.from_config(config))


set_default_composer(NoticeComposer())
