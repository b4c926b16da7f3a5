#!/usr/bin/env python3
"""Every internal link of the generated site must resolve.

Usage: check_links.py HTML_DIR

Reads every .html page under HTML_DIR and checks each href and src that is
not external (http:, https:, mailto:, javascript:, data:): the file must
exist, and a #fragment must name an id or anchor on the target page.
Prints each broken link and exits 1 if there is any.
"""
import html.parser
import pathlib
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (attribute, value)
        self.anchors = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name"):
                self.anchors.add(value)
            elif name in ("href", "src"):
                self.links.append(value)


def parse(path, cache):
    if path not in cache:
        page = Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(sys.argv[1]).resolve()
    pages = sorted(root.rglob("*.html"))
    if not pages:
        print(f"no .html pages under {root}: build the docs first", file=sys.stderr)
        return 1
    cache, broken, checked = {}, [], 0
    for page_path in pages:
        for link in parse(page_path, cache).links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # external: http, https, mailto, javascript, data
            checked += 1
            target = page_path if not parts.path else (page_path.parent / urllib.parse.unquote(parts.path)).resolve()
            if not target.exists():
                broken.append(f"{page_path.relative_to(root)}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parse(target, cache).anchors:
                broken.append(f"{page_path.relative_to(root)}: {link} (no such anchor)")
    for line in broken:
        print(line)
    print(f"{checked} internal links in {len(pages)} pages, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
