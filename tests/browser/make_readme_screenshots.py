"""Make the README's screenshots: docs/images/incident-page.png and lessons-page.png.

Builds the demo documentation with furo (light), opens it in Debian's
Chromium through Playwright, and saves two small PNGs:

- incident-page.png: the top of an incident page (title, metadata panel and
  summary) above its timeline;
- lessons-page.png: the top of the lessons roll-up page.

With Pillow installed the two parts of the incident page are stacked and
both images are reduced to a small palette; without it each image is a
plain viewport clip. Either way each file must stay under 150 KB.

Usage (from the repository root, with the 'browser' extra installed):

    python tests/browser/make_readme_screenshots.py [--theme furo] [--out docs/images]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pm_browser_site as site  # noqa: E402

WIDTH = 900
MAX_BYTES = 150 * 1024

try:
    from PIL import Image
except ImportError:  # pragma: no cover - optional
    Image = None


def _element_clip(page, first: str, last: str, pad: int = 16) -> dict:
    """A clip from the top of ``first`` to the bottom of ``last`` (page coordinates)."""
    top = page.locator(first).first.bounding_box()
    bottom = page.locator(last).first.bounding_box()
    scroll_y = page.evaluate("window.scrollY")
    y = max(0, top["y"] + scroll_y - pad)
    return {
        "x": 0,
        "y": y,
        "width": WIDTH,
        "height": bottom["y"] + scroll_y + bottom["height"] + pad - y,
    }


def _small_png(parts: list[bytes]) -> bytes:
    """Stack PNG parts vertically and reduce them to a palette (Pillow)."""
    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in parts]
    gap = 12
    height = sum(i.height for i in images) + gap * (len(images) - 1)
    sheet = Image.new("RGB", (max(i.width for i in images), height), "white")
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height + gap
    # Fast octree keeps the small areas of colour (markers, labels) that a
    # median cut would merge into the large grey ones.
    for colours in (256, 128, 64):
        small = sheet.quantize(
            colors=colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theme", default="furo", choices=site.THEMES)
    parser.add_argument("--out", type=Path, default=site.REPO / "docs" / "images")
    args = parser.parse_args(argv)

    reason = site.missing_browser()
    if reason:
        print(f"cannot make screenshots: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site.build_site(args.theme, root / args.theme)
        server = site.Server(root)
        try:
            with sync_playwright() as playwright:
                browser = site.launch_chromium(playwright)
                page = browser.new_page(
                    viewport={"width": WIDTH, "height": 1100},
                    color_scheme="light",
                    device_scale_factor=1,
                )
                page.add_init_script("localStorage.setItem('theme', 'light');")

                page.goto(f"{server.url}/{args.theme}/html/{site.INCIDENT_PAGE}")
                if Image is not None:
                    parts = [
                        page.screenshot(
                            clip=_element_clip(page, "h1", "div.pm-incident"), full_page=True
                        ),
                        page.screenshot(
                            clip=_element_clip(page, "#timeline h2", "ol.pm-timeline-list"),
                            full_page=True,
                        ),
                    ]
                    incident = _small_png(parts)
                else:
                    incident = page.screenshot(
                        clip={"x": 0, "y": 0, "width": WIDTH, "height": 1100}
                    )

                page.goto(f"{server.url}/{args.theme}/html/{site.LESSONS_PAGE}")
                clip = {"x": 0, "y": 0, "width": WIDTH, "height": 1000}
                lessons = page.screenshot(clip=clip)
                if Image is not None:
                    lessons = _small_png([lessons])
                browser.close()
        finally:
            server.close()

    status = 0
    for name, data in (("incident-page.png", incident), ("lessons-page.png", lessons)):
        path = args.out / name
        path.write_bytes(data)
        size = len(data)
        print(f"{path}: {size // 1024} KB")
        if size > MAX_BYTES:
            print(f"{path} is over {MAX_BYTES // 1024} KB", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
