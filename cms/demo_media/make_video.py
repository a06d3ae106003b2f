"""Makes 45-minutes-demo.webm (the demo recording) in the local Chromium, offline.

Run once by a developer: `.venv/bin/python cms/demo_media/make_video.py`. The result is
committed, so neither the demo nor the site needs ffmpeg or a browser at run time.
"""

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        page.set_content((HERE / "make_video.html").read_text())
        data = page.evaluate("window.done")
        (HERE / "45-minutes-demo.webm").write_bytes(base64.b64decode(data))
        browser.close()


if __name__ == "__main__":
    main()
