"""Make the README's screenshots: an incident page and the lessons page, light and dark.

Four small PNGs, each under 150 KB, for docs/images:

- incident-page-light.png, incident-page-dark.png: the top of an incident
  page (title, key facts, metadata panel) above its timeline;
- lessons-page-light.png, lessons-page-dark.png: the top of the lessons
  roll-up page, with its filter bar and a filtered view when the page has one
  (pm_browser_site.LESSONS_README_FRAGMENT).

The browser tests make them in the same run as everything else
(test_browser.py::test_screenshots, furo) into $PM_SCREENSHOT_DIR/readme
(default build/screenshots/readme). This script copies those into
docs/images; when there are none, or with --rebuild, it builds the demo
documentation itself and takes them. Pillow (in the 'browser' extra) reduces
each image to a small palette.

Usage (from the repository root, with the 'browser' extra installed):

    python tests/browser/make_readme_screenshots.py [--rebuild] [--theme furo] [--out docs/images]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pm_browser_site as site  # noqa: E402

WIDTH = 900
HEIGHT = 1000
MAX_BYTES = 150 * 1024
MODES = ("light", "dark")
NAMES = tuple(f"{page}-page-{mode}.png" for page in ("incident", "lessons") for mode in MODES)
#: Where the browser tests leave the README's images.
TEST_OUTPUT = Path(os.environ.get("PM_SCREENSHOT_DIR", site.REPO / "build" / "screenshots"))

try:
    from PIL import Image
except ImportError:  # pragma: no cover - optional
    Image = None


#: The bottom of the last of ``rows`` (a selector) that ends above ``limit``
#: (page coordinates), so that a clip never cuts through a line.
LAST_ROW_JS = """([rows, limit]) => Math.max(0, ...[...document.querySelectorAll(rows)]
  .map(el => el.getBoundingClientRect().bottom + window.scrollY)
  .filter(bottom => bottom <= limit))"""


def _element_clip(page, first: str, last: str, rows: str, most: int, pad: int = 16) -> dict:
    """A clip from the top of ``first`` to the bottom of ``last`` (page coordinates).

    Taller than ``most``, it ends after the last of ``rows`` that fits.
    """
    scroll_y = page.evaluate("window.scrollY")
    top = page.locator(first).first.bounding_box()["y"] + scroll_y - pad
    bottom_box = page.locator(last).first.bounding_box()
    bottom = bottom_box["y"] + scroll_y + bottom_box["height"]
    end = pad
    if bottom - top > most:
        bottom = page.evaluate(LAST_ROW_JS, [rows, top + most]) or top + most
        end = 2  # the next row may start right below
    y = max(0.0, top)
    return {"x": 0, "y": y, "width": WIDTH, "height": bottom + end - y}


def _small_png(parts: list[bytes], background: str) -> bytes:
    """Stack PNG parts vertically and reduce them to a palette (Pillow)."""
    if Image is None:
        return parts[0]
    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in parts]
    gap = 12
    height = sum(i.height for i in images) + gap * (len(images) - 1)
    sheet = Image.new("RGB", (max(i.width for i in images), height), background)
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height + gap
    # Fast octree keeps the small areas of colour (markers, labels) that a
    # median cut would merge into the large grey ones.
    for colours in (256, 128, 64, 32):
        small = sheet.quantize(
            colors=colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()


def _incident(page) -> list[bytes]:
    """The incident page's top (title to panel) and its timeline."""
    panel_rows = "div.pm-panel > *, div.pm-panel dl > dd"
    top = _element_clip(page, "h1", "div.pm-panel", panel_rows, HEIGHT)
    timeline = _element_clip(
        page, "#timeline h2", "ol.pm-timeline-list", "ol.pm-timeline-list > li", 700
    )
    return [page.screenshot(clip=clip, full_page=True) for clip in (top, timeline)]


def _lessons(page) -> list[bytes]:
    """The lessons page's top, from its title (filter bar and first groups)."""
    if page.locator(site.FILTER_BAR).count():
        page.locator(site.FILTER_BAR).first.wait_for()
    clip = _element_clip(page, "h1", "div.pm-lesson-list", "div.pm-lesson-entry", HEIGHT)
    return [page.screenshot(clip=clip, full_page=True)]


#: The page's background, ``rgb(r, g, b)``, for the gap between stacked parts.
PAGE_COLOUR_JS = """() => {
  for (const el of [document.body, document.documentElement]) {
    const colour = getComputedStyle(el).backgroundColor;
    if (colour.startsWith('rgb(')) return colour;
  }
  return 'rgb(255, 255, 255)';
}"""


def take(browser, site_url: str, out: Path, theme: str) -> list[Path]:
    """Write the four images into ``out`` from ``theme``'s site at ``site_url``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for mode in MODES:
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            color_scheme=mode,
            device_scale_factor=1,
            service_workers="block",
        )
        for key, value in site.MODE_STORAGE.get(theme, lambda _: {})(mode).items():
            context.add_init_script(f"localStorage.setItem({key!r}, {value!r});")
        page = context.new_page()
        shots = (
            ("incident", site.INCIDENT_PAGE, _incident),
            ("lessons", site.LESSONS_PAGE + site.LESSONS_README_FRAGMENT, _lessons),
        )
        for name, path, shoot in shots:
            page.goto(f"{site_url}/{path}", wait_until="load")
            target = out / f"{name}-page-{mode}.png"
            target.write_bytes(_small_png(shoot(page), page.evaluate(PAGE_COLOUR_JS)))
            written.append(target)
        context.close()
    return written


def too_large(paths: list[Path]) -> list[str]:
    """The images over MAX_BYTES, with their sizes."""
    return [f"{p}: {p.stat().st_size // 1024} KB" for p in paths if p.stat().st_size > MAX_BYTES]


def _make(theme: str, out: Path) -> list[Path]:
    """Build the demo documentation with ``theme`` and take the images."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site.build_site(theme, root / theme)
        server = site.Server(root)
        try:
            with sync_playwright() as playwright:
                browser = site.launch_chromium(playwright)
                written = take(browser, f"{server.url}/{theme}/html", out, theme)
                browser.close()
        finally:
            server.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theme", default="furo", choices=site.THEMES)
    parser.add_argument("--out", type=Path, default=site.REPO / "docs" / "images")
    parser.add_argument("--from-dir", type=Path, default=TEST_OUTPUT / "readme")
    parser.add_argument("--rebuild", action="store_true", help="ignore the tests' images")
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    made = [args.from_dir / name for name in NAMES]
    if args.rebuild or not all(p.is_file() for p in made):
        reason = site.missing_browser()
        if reason:
            print(f"cannot make screenshots: {reason}", file=sys.stderr)
            return 1
        made = _make(args.theme, args.out)
    else:
        made = [Path(shutil.copy2(p, args.out / p.name)) for p in made]
    for path in made:
        print(f"{path}: {path.stat().st_size // 1024} KB")
    problems = too_large(made)
    for problem in problems:
        print(f"over {MAX_BYTES // 1024} KB: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
