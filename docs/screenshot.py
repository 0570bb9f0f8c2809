"""Regenerate docs/review-page.png (the README's screenshot of the review page):
    .venv/bin/python docs/screenshot.py
Needs Debian's chromium (`make browser`) and playwright (installed by `make setup`)."""

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

with tempfile.TemporaryDirectory() as tmp:
    article = Path(tmp) / "article.txt"
    article.write_bytes((ROOT / "seeds" / "000_b9882e595d678b98.txt").read_bytes())
    page_file = Path(tmp) / "review.html"
    subprocess.run([str(Path(sys.executable).parent / "cleanup"), "review", "article.txt", "--html", "review.html"],
                   check=True, capture_output=True, cwd=tmp)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium",
                                                       args=ARGS, headless=True, viewport={"width": 1280, "height": 760})
        page = context.new_page()
        page.goto(page_file.as_uri())
        for key in "jaa":                      # accept the first two changes
            page.keyboard.press(key)
        page.keyboard.press("r")               # reject the third
        page.keyboard.press("e")               # edit the fourth
        page.fill("#edit-input", "Indian-administered Kashmir")
        page.keyboard.press("Enter")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ROOT / "docs" / "review-page.png"))
        context.close()
print("docs/review-page.png")
