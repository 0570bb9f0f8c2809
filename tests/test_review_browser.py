"""The review page in a real headless browser: Debian's chromium driven by playwright
(`make test-slow` installs chromium first; playwright's own browser download is not used).

An editor opens the page from file://, accepts, rejects, edits, undoes, filters, changes a span
the tool did not flag, exports the decisions and `cleanup apply` replays them to the expected
text; a hostile article (script tags, event handlers, </textarea>, a 1 MB line) stays inert
text and the page stays usable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.decisions import review_items

from .conftest import SEED

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
BIN = Path(sys.executable).parent / "cleanup"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=str(CHROMIUM), args=ARGS,
            headless=True, accept_downloads=True, viewport={"width": 1280, "height": 900})
        yield context
        context.close()


def open_page(browser, html: Path):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: errors.append("request " + r.url) if not r.url.startswith(("file:", "blob:", "data:")) else None)
    page.goto(html.as_uri())
    page.wait_for_function("window.cleanupReview !== undefined", timeout=60000)
    return page, errors


def review_page(folder: Path, article: Path, *more: str) -> Path:
    html = folder / "review.html"
    r = subprocess.run([str(BIN), "review", str(article), "--html", str(html), *more], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return html


def export(page, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click("#export")
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def left(page) -> str:
    return page.inner_text("#counter")


def select_text(page, needle: str) -> None:
    page.evaluate("""(needle) => {
        const span = [...document.querySelectorAll('#article .plain')].find(e => e.textContent.includes(needle));
        const node = span.firstChild, i = node.data.indexOf(needle);
        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + needle.length);
        const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
    }""", needle)


def test_founding_article_reviewed_in_the_browser_then_applied(browser, tmp_path, cleaner):
    article = tmp_path / "article.txt"
    shutil.copy(SEED, article)
    page, errors = open_page(browser, review_page(tmp_path, article))
    assert left(page) == "17 left of 17"
    page.keyboard.press("j")                          # 0 climbing
    assert "en/core:escalation-climbing" in page.inner_text("#d-title")
    page.keyboard.press("a")                          # accept; on to 1 best diplomat
    page.keyboard.press("e")
    page.fill("#edit-input", "chief diplomat")
    page.keyboard.press("Enter")                      # 1: the editor's replacement
    page.keyboard.press("r")                          # 2 tat-tray: reject
    page.keyboard.press("u")                          # undo: 2 undecided again, selected
    assert left(page) == "15 left of 17" and "[3/17]" in page.inner_text("#d-title")
    page.keyboard.press("r")                          # 2: reject after all
    # Filters: by rule, by confidence; the counter says what is in view.
    page.select_option("#rule-filter", "space_before_hyphen")
    assert left(page) == "14 left of 17 (2 in view)"
    page.select_option("#rule-filter", "")
    page.select_option("#conf-filter", "lt:0.9")
    assert left(page) == "14 left of 17 (0 in view)"
    page.select_option("#conf-filter", "")
    page.keyboard.press("j")                          # keys work again after the filters: next, previous
    assert "[5/17]" in page.inner_text("#d-title")
    page.keyboard.press("k")
    assert "[4/17]" in page.inner_text("#d-title")
    for _ in range(13):                               # 3..15: accept changes, reject flags; 16 stays undecided
        page.keyboard.press("r" if " flag " in page.inner_text("#d-title") else "a")
    assert left(page) == "1 left of 17"
    # items 7 and 11 are flags (inside a quotation): nothing to accept, rejected
    assert page.locator(".item.accepted").count() == 12 and page.locator(".item.rejected").count() == 3
    # A span the tool did not flag: select it, x, type the replacement.
    page.once("dialog", lambda d: d.accept("Khawaja Muhammad Asif"))
    select_text(page, "Khawaja Asif")
    page.keyboard.press("x")
    decisions = export(page, tmp_path)
    assert decisions.name == "article.decisions.json"
    assert json.loads(decisions.read_text(encoding="utf-8"))["items"][-1]["type"] == "editor"
    page.screenshot(path=str(tmp_path / "page.png"))
    assert not errors, errors

    r = subprocess.run([str(BIN), "apply", str(article), "-d", str(decisions)], capture_output=True)
    assert r.returncode == 1 and b"undecided" in r.stderr  # item 16 was left undecided
    result = cleaner.fix(SEED.read_text(encoding="utf-8"))
    text, out, pos = result.text, [], 0
    for k, it in enumerate(review_items(result)):
        if k in (2, 16) or it.type != "change":
            continue  # rejected, undecided, or a flag (no proposal)
        out += [text[pos:it.start], "chief diplomat" if k == 1 else it.new]
        pos = it.end
    expected = ("".join(out) + text[pos:]).replace("Khawaja Asif", "Khawaja Muhammad Asif")
    assert r.stdout.decode("utf-8") == expected


HOSTILE_LINES = [
    "<script>window.pwned = 1</script> India and Pakistan traded missile strikes, raising fears of a "
    "wider military climbing <img src=x onerror=\"window.pwned=2\"> <svg onload=\"window.pwned=4\">.",
    "</textarea><script>window.pwned=3</script> {{JS}} </script><!-- The prÃ©sident spoke "
    "near the cashmere <b onmouseover=\"window.pwned=5\">attack</b> site, India said.",
]


def test_hostile_article_stays_text_and_the_page_stays_usable(browser, tmp_path):
    long_line = ("word " * 200_000).strip() + " <script>window.pwned=6</script>"  # about 1 MB
    text = "\n".join(HOSTILE_LINES + [long_line, "Officials called for de -escalation."]) + "\n"
    article = tmp_path / "hostile.txt"
    article.write_text(text, encoding="utf-8")
    page, errors = open_page(browser, review_page(tmp_path, article, "--lang", "en"))
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("document.querySelectorAll('script').length") == 2
    assert page.evaluate("document.querySelectorAll('img, svg, b, textarea ~ script').length") == 0
    shown = page.evaluate("document.getElementById('article').textContent")
    assert "<script>window.pwned = 1</script>" in shown and "onerror=\"window.pwned=2\"" in shown
    assert "</textarea><script>window.pwned=3</script> {{JS}}" in shown and long_line in shown
    page.hover("#article")
    total = page.evaluate("window.cleanupReview.items.length")
    assert left(page) == f"{total} left of {total}"
    seen = []
    page.keyboard.press("j")
    for k in range(total):                            # every item: accept changes, edit the flag
        title = page.inner_text("#d-title")  # deciding moves on to the next undecided item
        seen.append(title)
        if " flag " in title:
            page.keyboard.press("e")
            page.fill("#edit-input", "</textarea><script>window.pwned=7</script>é")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press("a")
    assert any(" flag " in t for t in seen)
    assert left(page) == f"0 left of {total}"
    assert page.evaluate("window.pwned") is None
    decisions = export(page, tmp_path)
    assert page.evaluate("document.getElementById('export-text').value").startswith('{\n "schema"')
    assert not errors, errors

    r = subprocess.run([str(BIN), "apply", str(article), "-d", str(decisions), "--lang", "en"], capture_output=True)
    assert r.returncode == 0, r.stderr
    expected = (text.replace("military climbing", "military escalation")
                .replace("the cashmere", "the Kashmir").replace("de -escalation", "de-escalation")
                .replace("Ã©", "</textarea><script>window.pwned=7</script>é"))
    assert r.stdout.decode("utf-8") == expected
