"""Evidence bundles: a WACZ 1.2 file that standard tools read, and that verifies offline on a
machine with no data dir; every kind of tampering with it is caught and named."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import orjson
import pytest
from warcio.archiveiterator import ArchiveIterator

from evidence_helpers import capture, listing
from index.evidence.errors import NoEvidence
from index.evidence.keys import SigningKey, b64
from index.evidence.log import EvidenceLog
from index.evidence.wacz import digest_note, export_bundle, surt, verify_bundle
from index.store import StoredLead, lead_id


def stored_lead(i: int, right_id: str = "tm-nike") -> dict:
    item = listing(i)
    return StoredLead(id=lead_id(item["url"], right_id), url=item["url"], right_id=right_id, score=0.93,
                      reasons=["mark variant 耐克 in title"], listing=item, status="confirmed",
                      first_seen="2026-12-01T00:00:00Z", last_seen="2026-12-01T00:00:00Z").to_json()


@pytest.fixture()
def exported(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    log = EvidenceLog(data, checkpoint_every=4)
    for i in range(9):
        log.append(capture(i))
    log.append(capture(2))  # lead 2 captured twice
    out = tmp_path / "out" / "leads.wacz"
    result = export_bundle(log, [stored_lead(2), stored_lead(3), stored_lead(7)], out)
    log.close()
    assert (result.leads, result.entries) == (3, 4)
    return out


def rewrite(src: Path, dst: Path, change) -> None:
    """Copy a bundle, letting ``change(files)`` edit the {name: bytes} of its members."""
    with zipfile.ZipFile(src) as z:
        files = {n: z.read(n) for n in z.namelist()}
    change(files)
    with zipfile.ZipFile(dst, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def relist(files: dict[str, bytes], key: SigningKey | None = None) -> None:
    """What a careful forger does after changing a file: fix datapackage.json and its digest."""
    package = orjson.loads(files["datapackage.json"])
    for resource in package["resources"]:
        data = files[resource["path"]]
        resource["hash"], resource["bytes"] = "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
    files["datapackage.json"] = orjson.dumps(package)
    digest = orjson.loads(files["datapackage-digest.json"])
    digest["hash"] = "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest()
    if key is not None:
        digest["markwatch_signature"] = {"key_id": key.key_id, "public_key": key.public.b64,
                                         "signature": b64(key.sign(digest_note(digest["hash"])))}
    files["datapackage-digest.json"] = orjson.dumps(digest)


def test_bundle_verifies_on_another_machine_without_the_data_dir(exported: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / "copy.wacz"
    shutil.copy(exported, copy)
    shutil.rmtree(tmp_path / "data")
    report = verify_bundle(copy)
    assert report.ok, report.problems
    assert (report.leads, report.entries, report.artefacts, report.checkpoints) == (3, 4, 4, 1)
    assert report.signed_size == 10
    assert "3 leads" in report.summary() and report.key_id in report.summary()


def test_bundle_is_a_wacz_that_standard_tools_read(exported: Path) -> None:
    with zipfile.ZipFile(exported) as z:
        names = z.namelist()
        files = {n: z.read(n) for n in names}
        infos = {i.filename: i for i in z.infolist()}
    assert {"datapackage.json", "datapackage-digest.json", "pages/pages.jsonl", "indexes/index.cdxj"} <= set(names)
    warcs = [n for n in names if n.startswith("archive/")]
    assert len(warcs) == 4 and all(n.endswith(".warc.gz") for n in warcs)
    assert all(infos[n].compress_type == zipfile.ZIP_STORED for n in warcs)  # WACZ: no recompression

    package = orjson.loads(files["datapackage.json"])
    # "data-package": the Frictionless profile WACZ packages conform to (frictionless rejects "wacz",
    # which it reads as the path of a custom profile); resource names in Frictionless's alphabet.
    assert package["profile"] == "data-package" and package["wacz_version"] == "1.2.0"
    assert all(re.fullmatch(r"[-a-z0-9._/]+", r["name"]) for r in package["resources"])
    assert len({r["name"] for r in package["resources"]}) == len(package["resources"])
    assert {"created", "software", "title", "home"} <= set(package)
    listed = {r["path"]: r for r in package["resources"]}
    assert set(listed) == set(names) - {"datapackage.json", "datapackage-digest.json"}
    for path, resource in listed.items():
        assert resource["hash"] == "sha256:" + hashlib.sha256(files[path]).hexdigest()
        assert resource["bytes"] == len(files[path])
    digest = orjson.loads(files["datapackage-digest.json"])
    assert digest["path"] == "datapackage.json"
    assert digest["hash"] == "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest()

    pages = [orjson.loads(line) for line in files["pages/pages.jsonl"].splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert all(p["url"].startswith("http://shop.test/item/") and p["ts"].endswith("Z") for p in pages[1:])
    assert package["home"]["url"] == pages[1]["url"]

    for name in warcs:
        records = list(r.rec_type for r in ArchiveIterator(io.BytesIO(files[name]), check_digests="raise"))
        assert records[:3] == ["warcinfo", "response", "request"]

    # The CDXJ index points at records: offset and length cut out exactly the named record.
    for line in files["indexes/index.cdxj"].decode().splitlines():
        key, ts, blob = line.split(" ", 2)
        row = orjson.loads(blob)
        assert key == surt(row["url"]) and len(ts) == 14
        data = files[f"archive/{row['filename']}"]
        chunk = data[int(row["offset"]): int(row["offset"]) + int(row["length"])]
        record = next(iter(ArchiveIterator(io.BytesIO(chunk))))
        assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]


def test_surt_keys() -> None:
    assert surt("http://www.Shop.test:8080/item/1?a=b") == "test,shop:8080)/item/1?a=b"
    assert surt("https://shop.test") == "test,shop)/"
    assert surt("urn:screenshot:http://x.test/") == "urn:screenshot:http://x.test/"


def test_a_byte_changed_in_a_warc_is_named(exported: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wacz"

    def change(files: dict[str, bytes]) -> None:
        name = next(n for n in files if n.startswith("archive/"))
        data = bytearray(files[name])
        data[150] ^= 1
        files[name] = bytes(data)
    rewrite(exported, bad, change)
    found = verify_bundle(bad).problems
    assert any(p.startswith("archive/") and "sha256 does not match datapackage.json" in p for p in found), found
    assert any(p.startswith("entry ") and "archive/" in p and "sha256 mismatch" in p for p in found), found


def test_a_forger_who_fixes_the_manifest_still_fails_on_the_signature_and_the_entry(exported: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wacz"

    def change(files: dict[str, bytes]) -> None:
        name = next(n for n in files if n.startswith("archive/"))
        data = bytearray(files[name])
        data[150] ^= 1
        files[name] = bytes(data)
        relist(files)
    rewrite(exported, bad, change)
    found = verify_bundle(bad).problems
    assert any(p.startswith("datapackage-digest.json: signature does not verify") for p in found), found
    assert any(p.startswith("entry ") and "sha256 mismatch" in p for p in found)
    assert not any("does not match datapackage.json" in p for p in found)


def test_a_changed_proof_is_named(exported: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.wacz"

    def change(files: dict[str, bytes]) -> None:
        proofs = orjson.loads(files["markwatch/proofs.json"])
        path = proofs["proofs"][1]["inclusion_path"]
        path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
        files["markwatch/proofs.json"] = orjson.dumps(proofs)
        relist(files)
    rewrite(exported, bad, change)
    entry = orjson.loads(zipfile.ZipFile(exported).read("markwatch/proofs.json"))["proofs"][1]["entry"]
    found = verify_bundle(bad).problems
    assert (f"entry {entry}: inclusion proof does not lead to the root of checkpoint 3 "
            "(the entry or its proof was changed)") in found, found


def test_a_changed_lead_is_named(exported: Path, tmp_path: Path) -> None:
    naive, careful = tmp_path / "naive.wacz", tmp_path / "careful.wacz"

    def change_listing(files: dict[str, bytes]) -> None:
        rows = [orjson.loads(line) for line in files["markwatch/leads.jsonl"].splitlines()]
        rows[0]["listing"]["title"] = "正品 genuine product"
        files["markwatch/leads.jsonl"] = b"".join(orjson.dumps(r) + b"\n" for r in rows)

    rewrite(exported, naive, change_listing)
    found = verify_bundle(naive).problems
    assert "markwatch/leads.jsonl: sha256 does not match datapackage.json (the file was changed)" in found, found
    lead = stored_lead(2)["id"]
    assert any(p.startswith(f"lead {lead}: its listing is not the one captured") for p in found), found

    rewrite(exported, careful, lambda files: (change_listing(files), relist(files)))
    found = verify_bundle(careful).problems
    assert any(p.startswith("datapackage-digest.json: signature does not verify") for p in found), found
    assert any(p.startswith(f"lead {lead}: its listing is not the one captured") for p in found)


def test_a_bundle_resigned_with_another_key_does_not_pass_as_the_installation(exported: Path, tmp_path: Path) -> None:
    """Swapping the public key for one's own breaks the checkpoint signature; re-signing the
    checkpoint too makes a self-consistent bundle of *another* key id, which the summary shows."""
    bad = tmp_path / "bad.wacz"
    other = SigningKey.generate()

    def change(files: dict[str, bytes]) -> None:
        files["markwatch/public-key.json"] = orjson.dumps(other.public.to_json())
        relist(files, other)
    rewrite(exported, bad, change)
    report = verify_bundle(bad)
    assert any(p.startswith("checkpoint 3: signed by key ") for p in report.problems), report.problems
    assert report.key_id == other.key_id != verify_bundle(exported).key_id


def test_a_file_added_or_removed_is_named(exported: Path, tmp_path: Path) -> None:
    added, removed = tmp_path / "added.wacz", tmp_path / "removed.wacz"
    rewrite(exported, added, lambda files: files.update({"archive/extra.warc.gz": b"x"}))
    assert "archive/extra.warc.gz: in the bundle but not listed in datapackage.json" in verify_bundle(added).problems

    def drop(files: dict[str, bytes]) -> None:
        del files["markwatch/proofs.json"]
    rewrite(exported, removed, drop)
    found = verify_bundle(removed).problems
    assert "markwatch/proofs.json: missing from the bundle" in found


def test_not_a_zip_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.wacz"
    path.write_bytes(b"not a zip")
    assert verify_bundle(path).problems[0].startswith(f"{path}: not a readable zip/WACZ file")


def test_a_lead_without_evidence_is_refused(tmp_path: Path) -> None:
    log = EvidenceLog(tmp_path / "data")
    log.append(capture(1))
    with pytest.raises(NoEvidence, match=stored_lead(5)["id"]):
        export_bundle(log, [stored_lead(1), stored_lead(5)], tmp_path / "x.wacz")
    assert not (tmp_path / "x.wacz").exists()
    log.close()


def test_evidence_refs_from_the_store_are_followed(tmp_path: Path) -> None:
    """A lead whose captures were logged under another URL or lead id is found by its refs."""
    log = EvidenceLog(tmp_path / "data")
    mobile = dataclasses.replace(capture(4), url="http://m.shop.test/item/4", final_url="http://m.shop.test/item/4",
                                 lead_ids=())
    ref = log.append(mobile)
    lead = dict(stored_lead(4), evidence=[ref.to_json()])
    result = export_bundle(log, [lead], tmp_path / "x.wacz")
    log.close()
    assert result.entries == 1
    report = verify_bundle(tmp_path / "x.wacz")
    assert report.ok, report.problems  # the lead's own (signed) refs tie it to the capture

    def forge_ref(files: dict[str, bytes]) -> None:
        row = orjson.loads(files["markwatch/leads.jsonl"])
        row["evidence"][0]["sha256"]["screenshot"] = "0" * 64
        files["markwatch/leads.jsonl"] = orjson.dumps(row) + b"\n"
        relist(files)
    rewrite(tmp_path / "x.wacz", tmp_path / "y.wacz", forge_ref)
    found = verify_bundle(tmp_path / "y.wacz").problems
    assert f"lead {lead['id']}: no capture in the bundle backs it" in found, found
