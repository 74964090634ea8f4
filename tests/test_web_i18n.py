"""The interface's languages: Chinese by default, English by Accept-Language, the switch's cookie
over both, ``?lang=`` over the cookie; and the catalogues: every message of every template and
route has its Chinese translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from web_helpers import make_lead, start_workbench

from web.i18n import LANGUAGES, choose_language, read_catalogue

NAV_ZH = ("线索", "卖家", "仪表盘", "报告", "通知", "例行巡查")
NAV_EN = ("Leads", "Sellers", "Dashboard", "Reports", "Notices", "Routine runs")


def _nav(text: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', text, re.S).group(1)
    return re.findall(r">([^<>]+)</a>", nav)


def test_chinese_by_default_english_by_accept_language(tmp_path: Path) -> None:
    with start_workbench(tmp_path, leads=[make_lead(1)]) as wb:
        client = wb.login()
        default = client.get("/leads")
        assert _nav(default.text) == list(NAV_ZH) and '<html lang="zh-Hans">' in default.text
        english = client.get("/leads", headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert _nav(english.text) == list(NAV_EN) and '<html lang="en">' in english.text
        assert "Log out" in english.text and "First seen" in english.text and "首次发现" not in english.text
        chinese = client.get("/leads", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
        assert _nav(chinese.text) == list(NAV_ZH)
        login_en = wb.new_client().get("/login", headers={"Accept-Language": "en"})
        assert "<h1>Log in</h1>" in login_en.text and "Username" in login_en.text


def test_the_switch_cookie_overrides_accept_language_and_lang_overrides_both(tmp_path: Path) -> None:
    with start_workbench(tmp_path, leads=[make_lead(1)]) as wb:
        client = wb.login()
        english_browser = {"Accept-Language": "en"}
        page = client.get("/leads?q=耐克", headers=english_browser)
        switch = re.search(r'<a lang="zh" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        moved = client.get(switch, headers=english_browser, follow_redirects=False)
        assert moved.status_code == 303 and "/leads?q=" in moved.headers["location"]
        assert "lang=zh" in moved.headers["set-cookie"]
        assert _nav(client.get("/leads", headers=english_browser).text) == list(NAV_ZH)
        assert _nav(client.get("/leads?lang=en").text) == list(NAV_EN)
        client.get("/lang/en", follow_redirects=False)
        assert _nav(client.get("/leads", headers={"Accept-Language": "zh-CN"}).text) == list(NAV_EN)
        # the switch never leaves the site, and an unknown language changes nothing
        assert client.get("/lang/zh?next=//evil.example", follow_redirects=False).headers["location"] == "/leads"
        assert "set-cookie" not in client.get("/lang/fr", follow_redirects=False).headers


def test_choose_language_reads_q_values() -> None:
    assert choose_language({}, {}, "") == "zh"
    assert choose_language({}, {}, "fr-FR, en;q=0.5, zh;q=0.4") == "en"
    assert choose_language({}, {}, "en;q=0.3, zh-TW;q=0.8") == "zh"
    assert choose_language({}, {}, "de, fr") == "zh"
    assert choose_language({}, {"lang": "en"}, "zh") == "en"
    assert choose_language({"lang": "zh"}, {"lang": "en"}, "en") == "zh"
    assert choose_language({"lang": "xx"}, {"lang": "yy"}, "en") == "en"


def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    from web.catalogues import extracted_messages, untranslated

    messages = extracted_messages()
    assert {"Leads", "Log in", "Next page", "Wrong username or password."} <= set(messages)
    assert untranslated("zh") == {}, "run: .venv/bin/python -m web.catalogues check"
    chinese = read_catalogue("zh")
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    for message in messages:
        translated = chinese[message].string
        assert sorted(placeholder.findall(translated)) == sorted(placeholder.findall(message)), message
        assert re.search(r"[\u4e00-\u9fff]", translated), f"{message!r} → {translated!r} is not Chinese"
    assert set(LANGUAGES) == {"zh", "en"}


def test_errors_and_flash_messages_are_translated(tmp_path: Path) -> None:
    with start_workbench(tmp_path) as wb:
        english = wb.new_client(headers={"Accept-Language": "en"})
        token = wb.csrf(english)
        wrong = english.post("/login", data={"username": "ana", "password": "nope", "csrf_token": token})
        assert "Wrong username or password." in wrong.text
        client = wb.login()
        missing = client.get("/leads/000000000000000000000000")
        assert missing.status_code == 404 and "未找到" in missing.text


def test_reasons_are_shown_in_the_page_language_from_their_codes(tmp_path: Path) -> None:
    from markwatch.reasons import render

    code = {"code": "price_ratio", "price": 89.0, "reference": 699.0}
    lead = make_lead(4)
    lead["reasons"] = [render(code, "en"), "a sentence of an unknown code"]
    lead["reason_codes"] = [code, {"code": "no_such_code_yet"}]
    with start_workbench(tmp_path, leads=[lead]) as wb:
        client = wb.login()
        the_id = client.get("/leads.json").json()["leads"][0]["id"]
        chinese = client.get(f"/leads/{the_id}.json").json()["reasons"]
        english = client.get(f"/leads/{the_id}.json?lang=en").json()["reasons"]
        assert chinese == [render(code, "zh"), "a sentence of an unknown code"]  # unknown code: as stored
        assert english == [render(code, "en"), "a sentence of an unknown code"]
        assert chinese[0] != english[0] and "参考价" in chinese[0]
        assert render(code, "zh") in client.get(f"/leads/{the_id}").text


def test_the_refusals_speak_the_page_language(tmp_path: Path) -> None:
    with start_workbench(tmp_path) as wb:
        client = wb.login("ana")
        refused = client.post("/logout", data={})
        assert refused.status_code == 403 and "表单校验码缺失或有误" in refused.text
        assert "此页面仅限管理员访问" in client.get("/admin/users").text
        english = client.get("/admin/users", headers={"Accept-Language": "en"})
        assert "this page is for admins" in english.text
        assert client.get("/admin/users.json").json() == {"detail": "this page is for admins"}
