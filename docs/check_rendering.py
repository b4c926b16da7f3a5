#!/usr/bin/env python3
"""The generated site renders in a real browser.

Usage: check_rendering.py HTML_DIR OUT_DIR PAGE...

For each PAGE (e.g. index.html, ch05.html) headless Chromium loads the page
from HTML_DIR, dumps its DOM — which must contain the page's title text as
rendered — and takes a 1280x1000 screenshot into OUT_DIR, which must show
more than a blank page: many colours, and ink on a good part of it.
Exits 77 (skipped) with the reason when no Chromium is installed.
"""
import pathlib
import shutil
import struct
import subprocess
import sys
import zlib

WIDTH, HEIGHT = 1280, 1000


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def run(browser, *args):
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=120)


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, upleft = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1: line[x] = (line[x] + left) & 255
            elif kind == 2: line[x] = (line[x] + up) & 255
            elif kind == 3: line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else upleft)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    html_dir, out_dir, pages = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]), sys.argv[3:]
    browser = chromium()
    if not browser:
        print("SKIPPED: no Chromium (apt-get install chromium) to render the site with")
        return 77
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    for page in pages:
        url = (html_dir / page).as_uri()
        dom = run(browser, "--dump-dom", url).stdout
        title = dom.split("<title>")[1].split("</title>")[0] if "<title>" in dom else ""
        shot = out_dir / (pathlib.Path(page).stem + ".png")
        shot.unlink(missing_ok=True)
        run(browser, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", url)
        if not shot.exists():
            print(f"{page}: no screenshot was written")
            failures += 1
            continue
        width, height, channels, rows = png_pixels(shot)
        colours, ink = set(), 0
        for row in rows[::4]:
            for x in range(0, width * channels, channels * 4):
                pixel = row[x:x + 3]
                colours.add(pixel)
                ink += sum(pixel) < 600  # not (nearly) white
        sampled = (height // 4) * (width // 4)
        ok = (width, height) == (WIDTH, HEIGHT) and len(colours) >= 16 and ink / sampled > 0.02 \
            and "msync by example" in title
        print(f"{page}: title '{title}', {width}x{height}, {len(colours)} colours, "
              f"{100 * ink / sampled:.1f}% ink -> {shot} {'ok' if ok else 'FAILED'}")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
