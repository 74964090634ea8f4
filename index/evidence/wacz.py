"""Evidence bundles: a WACZ 1.2 file per export that verifies offline with nothing but markwatch.

Why WACZ: it is webrecorder's packaging of WARC files (a zip with ``archive/``, ``indexes/``,
``pages/pages.jsonl`` and a ``datapackage.json`` holding the SHA-256 of every file), so a court,
a platform or the right holder can open the bundle in ReplayWeb.page or any WACZ tool and see the
page as captured. markwatch's own proof travels in ``markwatch/`` (allowed by WACZ 1.2 "other
files", and listed in the datapackage like every file):

- ``leads.jsonl``      the exported leads as the store holds them;
- ``entries.jsonl``    the log entries of their captures, byte for byte as logged;
- ``proofs.json``      each entry's RFC 9162 inclusion proof against the checkpoint;
- ``checkpoint.json``  the signed checkpoint covering them (signed at export time if needed);
- ``public-key.json``  the installation's Ed25519 public key and key id;
- ``README.txt``       how to check all of it by hand.

``datapackage-digest.json`` holds the hash of ``datapackage.json`` (WACZ) and, under
``markwatch_signature``, the installation's signature of that hash, which binds every file of the
bundle to the same key as the checkpoint.

:func:`verify_bundle` checks the package hashes, the signature, every WARC record's digests, the
entries' artefact hashes, each inclusion proof up to the checkpoint root, the checkpoint's
signature and key id, and that each lead is backed by a capture of its listing.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

import orjson

from index.evidence.capture import parse_utc, utc_iso
from index.evidence.errors import EvidenceError, NoEvidence
from index.evidence.keys import PublicKey, b64, unb64
from index.evidence.log import EvidenceLog, canonical_json, software_name
from index.evidence.merkle import leaf_hash, verify_inclusion
from index.evidence.verify import (Report, check_artefacts, check_checkpoint_signature, parse_lines,
                                   short)
from index.evidence.warc import read_warc
from index.store import lead_id as make_lead_id
from index.store import listing_hash

WACZ_VERSION = "1.2.0"
BUNDLE_FORMAT = "markwatch-evidence-bundle/1"
MW = "markwatch"
LEADS, ENTRIES, PROOFS = f"{MW}/leads.jsonl", f"{MW}/entries.jsonl", f"{MW}/proofs.json"
CHECKPOINT, PUBLIC_KEY, README = f"{MW}/checkpoint.json", f"{MW}/public-key.json", f"{MW}/README.txt"
PAGES, CDXJ = "pages/pages.jsonl", "indexes/index.cdxj"
DATAPACKAGE, DIGEST = "datapackage.json", "datapackage-digest.json"
REQUIRED = (DATAPACKAGE, PAGES, LEADS, ENTRIES, PROOFS, CHECKPOINT, PUBLIC_KEY)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_note(datapackage_hash: str) -> bytes:
    """What ``markwatch_signature`` signs: the datapackage's ``sha256:<hex>``."""
    return f"markwatch wacz datapackage\n{datapackage_hash}\n".encode("ascii")


def surt(url: str) -> str:
    """The SURT form replay indexes sort by: ``com,example)/path?q`` (``urn:`` URLs kept as they are)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower()
    if host.startswith("www."):
        host = host[4:]
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    return f"{key}){parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def _timestamp14(iso: str) -> str:
    return parse_utc(iso).strftime("%Y%m%d%H%M%S")


def _cdxj_lines(name: str, data: bytes) -> list[str]:
    lines = []
    for record in read_warc(data).records:
        if record.type not in ("response", "resource"):
            continue
        mime = (record.http_mime or "unk") if record.type == "response" else record.content_type
        fields = {"url": record.target_uri, "mime": mime,
                  "digest": record.declared_payload, "length": str(record.length),
                  "offset": str(record.offset), "filename": name}
        if record.http_status is not None:
            fields["status"] = str(record.http_status)
        ts = _timestamp14(record.date) if record.date else "0" * 14
        lines.append(f"{surt(record.target_uri)} {ts} {orjson.dumps(fields).decode()}")
    return lines


@dataclass(frozen=True)
class ExportResult:
    path: Path
    leads: int
    entries: int
    checkpoint: int
    tree_size: int
    key_id: str


def _entries_of(log: EvidenceLog, lead: Mapping[str, Any]) -> list[int]:
    found: set[int] = set()
    for ref in lead.get("evidence") or ():
        if isinstance(ref, Mapping) and isinstance(ref.get("entry"), int) and 0 <= ref["entry"] < log.size:
            found.add(ref["entry"])
    if lead.get("id"):
        found.update(e["index"] for e in log.entries_for_lead(str(lead["id"])))
    if lead.get("url"):
        found.update(e["index"] for e in log.entries_for_url(str(lead["url"])))
    return sorted(found)


def export_bundle(log: EvidenceLog, leads: Sequence[Mapping[str, Any]], output: str | os.PathLike[str]) -> ExportResult:
    """Write the WACZ bundle of ``leads`` (stored-lead dicts: ``StoredLead.to_json()`` plus,
    optionally, ``evidence``) to ``output``. Raises :class:`NoEvidence` naming a lead with no
    capture, :class:`EvidenceError` when an artefact to export fails its own hash."""
    if not leads:
        raise EvidenceError("no lead to export")
    log.refresh()
    wanted: set[int] = set()
    for lead in leads:
        indexes = _entries_of(log, lead)
        if not indexes:
            raise NoEvidence(f"lead {lead.get('id')} ({lead.get('url')}) has no capture in the evidence log")
        wanted.update(indexes)
    checkpoint = log.checkpoint()
    tree_size = int(checkpoint["tree_size"])
    order = sorted(wanted)

    files: dict[str, bytes] = {}
    cdxj: list[str] = []
    for index in order:
        entry = log.entry(index)
        name = entry["warc"]
        data = log.warc_path(name).read_bytes()
        if _sha(data) != entry["warc_sha256"]:
            raise EvidenceError(f"entry {index}: warc/{name} no longer hashes to its name; "
                                "run 'markwatch evidence verify' before exporting")
        files[f"archive/{name}"] = data
        cdxj.extend(_cdxj_lines(name, data))
    files[CDXJ] = ("\n".join(sorted(cdxj)) + "\n").encode("utf-8")

    pages = [{"format": "json-pages-1.0", "id": "pages", "title": "markwatch evidence captures"}]
    for index in order:
        entry = log.entry(index)
        pages.append({"id": f"entry-{index}", "url": entry["final_url"], "ts": entry["captured_at"],
                      "title": entry.get("title") or entry["final_url"], "markwatch_entry": index,
                      "lead_ids": entry.get("lead_ids", [])})
    files[PAGES] = b"".join(orjson.dumps(p) + b"\n" for p in pages)

    files[LEADS] = b"".join(canonical_json(dict(lead)) + b"\n" for lead in leads)
    files[ENTRIES] = b"".join(log.entry_line(i) + b"\n" for i in order)
    proofs = {"checkpoint": checkpoint["checkpoint"], "tree_size": tree_size, "root": checkpoint["root"],
              "proofs": [{"entry": i, "leaf_hash": log.leaf(i).hex(),
                          "inclusion_path": [h.hex() for h in log.tree.inclusion_proof(i, tree_size)]}
                         for i in order]}
    files[PROOFS] = orjson.dumps(proofs, option=orjson.OPT_INDENT_2) + b"\n"
    files[CHECKPOINT] = orjson.dumps(checkpoint, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    files[PUBLIC_KEY] = orjson.dumps(log.key.public.to_json(), option=orjson.OPT_INDENT_2) + b"\n"
    files[README] = _readme(log.key.key_id, checkpoint).encode("utf-8")

    now = utc_iso()
    first = log.entry(order[0])
    package = {
        "profile": "data-package", "wacz_version": WACZ_VERSION,
        "title": f"markwatch evidence: {len(leads)} lead{'s' if len(leads) != 1 else ''}",
        "description": "Captures (HTTP response and full-page screenshot) of listings flagged by markwatch, "
                       "with the inclusion proofs and signed checkpoint of its evidence log. "
                       "See markwatch/README.txt.",
        "created": now, "modified": now, "software": software_name(),
        "home": {"url": first["final_url"], "ts": first["captured_at"]},
        "mainPageUrl": first["final_url"], "mainPageDate": first["captured_at"],
        "resources": [{"name": _resource_name(path), "path": path, "hash": "sha256:" + _sha(data), "bytes": len(data)}
                      for path, data in files.items()],
        MW: {"format": BUNDLE_FORMAT, "key_id": log.key.key_id, "checkpoint": checkpoint["checkpoint"],
             "tree_size": tree_size, "leads": [lead.get("id") for lead in leads], "entries": order},
    }
    datapackage = orjson.dumps(package, option=orjson.OPT_INDENT_2) + b"\n"
    package_hash = "sha256:" + _sha(datapackage)
    digest = {"path": DATAPACKAGE, "hash": package_hash,
              "markwatch_signature": {"key_id": log.key.key_id, "public_key": log.key.public.b64,
                                      "signature": b64(log.key.sign(digest_note(package_hash)))}}

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w") as bundle:
        for path, data in [(DATAPACKAGE, datapackage),
                           (DIGEST, orjson.dumps(digest, option=orjson.OPT_INDENT_2) + b"\n"),
                           *files.items()]:
            info = zipfile.ZipInfo(path, date_time=parse_utc(now).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED if path.startswith("archive/") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
    os.replace(tmp, output)
    return ExportResult(output, len(leads), len(order), int(checkpoint["checkpoint"]), tree_size, log.key.key_id)


def _resource_name(path: str) -> str:
    """A Frictionless resource name (lower case ``[-a-z0-9._/]``), unique because paths are."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-._/") else "-" for c in path.lower())


def _readme(key_id: str, checkpoint: Mapping[str, Any]) -> str:
    return f"""markwatch evidence bundle ({BUNDLE_FORMAT})

This is a WACZ {WACZ_VERSION} file: open it in ReplayWeb.page or any WACZ tool to see the pages
as captured. To check that nothing in it was changed since capture:

    markwatch evidence verify --bundle THIS_FILE.wacz

or by hand:
1. sha256 of datapackage.json = "hash" in datapackage-digest.json; each file's sha256 and size =
   its entry in datapackage.json "resources".
2. markwatch/public-key.json: key_id = sha256 of the base64-decoded 32-byte Ed25519 public key.
   Compare the key id with the one the sender published: {key_id}
3. markwatch/checkpoint.json: the Ed25519 signature (base64) verifies over the text
   "markwatch evidence log <key_id>\\n<tree_size>\\n<base64 root>\\n<time>\\n".
4. Each line L of markwatch/entries.jsonl: leaf = sha256(0x00 || L); its inclusion_path in
   markwatch/proofs.json leads to the checkpoint root by RFC 9162 section 2.1.3.2
   (node = sha256(0x01 || left || right)).
5. Each entry's "warc" file is in archive/, hashes to its name, and its response and screenshot
   records' payload sha256 are the entry's sha256.html and sha256.screenshot.

Checkpoint {checkpoint.get('checkpoint')}: {checkpoint.get('tree_size')} entries, root {checkpoint.get('root')}, signed {checkpoint.get('time')}.
"""


def verify_bundle(path: str | os.PathLike[str]) -> Report:
    """Check a bundle offline; see the module docstring for what is checked."""
    path = Path(path)
    report = Report(source=str(path))
    try:
        bundle = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.problems.append(f"{path}: not a readable zip/WACZ file ({exc})")
        return report
    with bundle:
        try:
            files = {info.filename: bundle.read(info) for info in bundle.infolist() if not info.is_dir()}
        except (zipfile.BadZipFile, OSError, ValueError) as exc:  # a zip CRC error names the member
            report.problems.append(f"{path}: a member cannot be read ({exc})")
            return report
    missing = [name for name in REQUIRED if name not in files]
    for name in missing:
        report.problems.append(f"{name}: missing from the bundle")
    if DATAPACKAGE in missing or PUBLIC_KEY in missing:
        return report

    key: PublicKey | None = None
    try:
        key = PublicKey.from_json(orjson.loads(files[PUBLIC_KEY]))
        claimed = orjson.loads(files[PUBLIC_KEY]).get("key_id")
        if claimed != key.key_id:
            report.problems.append(f"{PUBLIC_KEY}: key_id {short(str(claimed), 16)} is not the sha256 of the key "
                                   f"({short(key.key_id, 16)})")
        report.key_id = key.key_id
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        report.problems.append(f"{PUBLIC_KEY}: unreadable ({exc})")

    _check_package(files, key, report)
    _check_pages(files.get(PAGES, b""), report)
    if any(name in missing for name in (ENTRIES, PROOFS, CHECKPOINT)):
        return report

    try:
        checkpoint = orjson.loads(files[CHECKPOINT])
        size, root = int(checkpoint["tree_size"]), bytes.fromhex(str(checkpoint["root"]))
    except (orjson.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
        report.problems.append(f"{CHECKPOINT}: unreadable ({exc})")
        return report
    label = f"checkpoint {checkpoint.get('checkpoint')}"
    check_checkpoint_signature(checkpoint, key, label, report)
    report.checkpoints, report.signed_size, report.root = 1, size, root.hex()

    by_entry: dict[int, list[bytes]] = {}
    try:
        proofs = orjson.loads(files[PROOFS])
        by_entry = {int(p["entry"]): [bytes.fromhex(h) for h in p["inclusion_path"]] for p in proofs["proofs"]}
        if proofs.get("tree_size") != size:
            report.problems.append(f"{PROOFS}: proofs are for {proofs.get('tree_size')} entries, {label} covers {size}")
    except (orjson.JSONDecodeError, KeyError, ValueError, TypeError, AttributeError) as exc:
        report.problems.append(f"{PROOFS}: unreadable ({exc})")

    entries = []
    for line, entry in parse_lines(files[ENTRIES], ENTRIES, report):
        if entry is None:
            continue
        report.entries += 1
        entries.append(entry)
        index = entry.get("index")
        elabel = f"entry {index}"
        if not isinstance(index, int) or index not in by_entry:
            report.problems.append(f"{elabel}: no inclusion proof in {PROOFS}")
        elif not verify_inclusion(leaf_hash(line), index, size, by_entry[index], root):
            report.problems.append(f"{elabel}: inclusion proof does not lead to the root of {label} "
                                   "(the entry or its proof was changed)")
        name = str(entry.get("warc", ""))
        check_artefacts(entry, files.get(f"archive/{name}"),
                        f"archive/{short(name.removesuffix('.warc.gz'))}.warc.gz", report)

    _check_leads(files.get(LEADS, b""), entries, report)
    return report


def _check_package(files: Mapping[str, bytes], key: PublicKey | None, report: Report) -> None:
    raw = files[DATAPACKAGE]
    package_hash = "sha256:" + _sha(raw)
    if DIGEST not in files:
        report.problems.append(f"{DIGEST}: missing, so the bundle's signature cannot be checked")
    else:
        try:
            digest = orjson.loads(files[DIGEST])
            if digest.get("path") != DATAPACKAGE or digest.get("hash") != package_hash:
                report.problems.append(f"{DATAPACKAGE}: sha256 does not match {DIGEST} (the manifest was changed)")
            sig = digest.get("markwatch_signature") or {}
            if key is not None:
                if sig.get("key_id") != key.key_id:
                    report.problems.append(f"{DIGEST}: signed by key {short(str(sig.get('key_id')), 16)}, not the "
                                           f"bundle's key {short(key.key_id, 16)}")
                elif not key.verify(digest_note(str(digest.get("hash"))), unb64(str(sig.get("signature", "")))):
                    report.problems.append(f"{DIGEST}: signature does not verify with key {short(key.key_id, 16)}")
        except (orjson.JSONDecodeError, ValueError, TypeError, AttributeError) as exc:
            report.problems.append(f"{DIGEST}: unreadable ({exc})")
    try:
        package = orjson.loads(raw)
        resources = package["resources"]
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        report.problems.append(f"{DATAPACKAGE}: unreadable ({exc})")
        return
    if package.get("profile") not in ("wacz", "data-package"):
        report.problems.append(f"{DATAPACKAGE}: profile {package.get('profile')!r} is not a WACZ profile")
    listed = set()
    for resource in resources:
        name = str(resource.get("path", ""))
        listed.add(name)
        data = files.get(name)
        if data is None:
            report.problems.append(f"{name}: listed in {DATAPACKAGE} but missing from the bundle")
            continue
        if resource.get("hash") != "sha256:" + _sha(data):
            report.problems.append(f"{name}: sha256 does not match {DATAPACKAGE} (the file was changed)")
        if resource.get("bytes") != len(data):
            report.problems.append(f"{name}: {len(data)} bytes, {DATAPACKAGE} says {resource.get('bytes')}")
    for name in sorted(set(files) - listed - {DATAPACKAGE, DIGEST}):
        report.problems.append(f"{name}: in the bundle but not listed in {DATAPACKAGE}")


def _check_pages(data: bytes, report: Report) -> None:
    lines = data.splitlines()
    try:
        header = orjson.loads(lines[0]) if lines else {}
    except orjson.JSONDecodeError:
        header = {}
    if header.get("format") != "json-pages-1.0":
        report.problems.append(f"{PAGES}: the first line is not the json-pages-1.0 header")
    for number, line in enumerate(lines[1:], start=2):
        try:
            page = orjson.loads(line)
        except orjson.JSONDecodeError:
            report.problems.append(f"{PAGES}: line {number} is not valid JSON")
            continue
        if not page.get("url") or not page.get("ts"):
            report.problems.append(f"{PAGES}: line {number} lacks url or ts")


def _check_leads(data: bytes, entries: list[dict[str, Any]], report: Report) -> None:
    for _, lead in parse_lines(data, LEADS, report):
        if lead is None:
            continue
        report.leads += 1
        ident, url = str(lead.get("id", "")), str(lead.get("url", ""))
        label = f"lead {ident or '?'}"
        if lead.get("right_id") is not None and ident != make_lead_id(url, str(lead.get("right_id"))):
            report.problems.append(f"{label}: id is not the id of its url and right_id (the lead was changed)")
        refs = {(r.get("entry"), orjson.dumps(r.get("sha256"), option=orjson.OPT_SORT_KEYS))
                for r in lead.get("evidence") or () if isinstance(r, dict)}
        backing = [e for e in entries if ident in (e.get("lead_ids") or ()) or url in (e.get("url"), e.get("final_url"))
                   or (e.get("index"), orjson.dumps(e.get("sha256"), option=orjson.OPT_SORT_KEYS)) in refs]
        if not backing:
            report.problems.append(f"{label}: no capture in the bundle backs it")
            continue
        hashes = {e.get("listing_hash") for e in backing if e.get("listing_hash")}
        if hashes and isinstance(lead.get("listing"), dict) and listing_hash(lead["listing"]) not in hashes:
            report.problems.append(f"{label}: its listing is not the one captured (listing hash differs from "
                                   f"entr{'y' if len(backing) == 1 else 'ies'} "
                                   f"{', '.join(str(e.get('index')) for e in backing)})")
