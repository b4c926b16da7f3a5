#!/usr/bin/env python3
"""Pages of the site that are made from the sources at build time.

Usage: site_pages.py sources ROOT OUT.dox
       site_pages.py link ROOT PAGE.md OUT.md
       site_pages.py source-links ROOT HTML_DIR

sources: one page per test source (chapters/*/tests/*.cpp, common/tests/*.cpp),
         showing the whole file with line numbers, under a "Test sources"
         page at the end of the sidebar — so that a test a page names can be
         read on the site.
         The files the pages show by \snippet get such a page too.
link:    a copy of PAGE.md (docs/interview.md, docs/errata.md) for the site in
         which every test it names (`chNN/name`, `common/name`) links to the
         line of its TEST_CASE, and every answer (### section) ends with links
         to the chapters whose tests it cites. The Markdown source stays
         readable as it is; only the site gets the links.
source-links: after Doxygen. A page names the file of each \snippet on the
         line after it, <small>Source: [chapters/NN/x.cpp](x.cpp)</small>: a
         relative link, right for a reader of the repository. On the site
         that href points at nothing; this points it at the file's page.
"""
import pathlib
import re
import sys

CASE = re.compile(r'TEST_CASE\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')


def test_sources(root):
    return sorted(root.glob("chapters/*/tests/*.cpp")) + sorted(root.glob("common/tests/*.cpp"))


def snippet_sources(root):
    pages = [root / "README.md", *sorted(root.glob("*/*/README.md")), *sorted(root.glob("docs/*.md"))]
    found = set()
    for page in pages:
        for match in re.finditer(r"^\s*\\snippet(?:\{[^}]*\})?\s+(\S+)", page.read_text(encoding="utf-8"), re.M):
            if (root / match.group(1)).is_file():
                found.add(root / match.group(1))
    return sorted(found - set(test_sources(root)))


def label(root, source):
    rel = source.relative_to(root)
    return "src_" + re.sub(r"[^A-Za-z0-9]+", "_", str(rel))


def prefix_of(root, source):
    parts = source.relative_to(root).parts
    return "common" if parts[0] == "common" else "ch" + parts[1][:2]


def test_cases(root):
    """{ctest name: (page label, line)} for every TEST_CASE in the test sources."""
    found = {}
    for source in test_sources(root):
        text = source.read_text(encoding="utf-8")
        for match in CASE.finditer(text):
            literals = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
            name = "".join(literals).encode().decode("unicode_escape")
            line = text.count("\n", 0, match.start()) + 1
            found[f"{prefix_of(root, source)}/{name}"] = (label(root, source), line)
    return found


def write_sources(root, out):
    pages = [(label(root, s), s.relative_to(root)) for s in test_sources(root)]
    shown = [(label(root, s), s.relative_to(root)) for s in snippet_sources(root)]
    text = ["/**", "\\page test_sources Sources", "",
            "The doctest files that prove the pages' claims, whole. A test named",
            "<tt>chNN/name</tt> is the <tt>TEST_CASE(\"name\")</tt> of chapter NN's",
            "<tt>tests/</tt>; run one with the command on \\ref interview \"the interview page\".", ""]
    text += [f"- \\subpage {name}" for name, _ in pages]
    text += ["", "The files the pages show pieces of, whole:", ""]
    text += [f"- \\subpage {name}" for name, _ in shown]
    text.append("*/")
    pages += shown
    for name, rel in pages:
        text += ["", "/**", f"\\page {name} {rel}", "", f"\\include{{lineno}} {rel}", "*/"]
    out.write_text("\n".join(text) + "\n", encoding="utf-8")


def chapter_titles(root):
    titles = {}
    for readme in sorted(root.glob("chapters/*/README.md")):
        first = readme.read_text(encoding="utf-8").splitlines()[0]
        match = re.match(r"#\s*(.*?)\s*\{#(ch\d\d)\}", first)
        if match:
            titles[match.group(2)] = match.group(1)
    return titles


def write_linked(root, page, out):
    cases, titles = test_cases(root), chapter_titles(root)
    missing = []

    def link(match):
        name = match.group(1)
        if name not in cases:
            if " " in name:  # a test name (paths and one-word tool names are not)
                missing.append(name)
            return match.group(0)
        target, line = cases[name]
        return f'<a href="{target}.html#l{line:05d}"><code>{name}</code></a>'

    lines, result, cited = page.read_text(encoding="utf-8").splitlines(), [], []

    def close_answer():
        chapters = [c for c in dict.fromkeys(cited) if c in titles]
        if chapters:
            while result and not result[-1].strip():
                result.pop()
            result.append("")
            result.append("In depth: " + ", ".join(f"\\ref {c} \"{titles[c]}\"" for c in chapters) + ".")
            result.append("")
        cited.clear()

    in_code = False
    for line in lines:
        if line.startswith("```"):
            in_code = not in_code
        if not in_code and line.startswith("#"):
            close_answer()
        if not in_code:
            cited.extend(re.findall(r"`(ch\d\d)/[^`]+`", line))
            line = re.sub(r"`((?:ch\d\d|common)/[^`]+)`", link, line)
        result.append(line)
    close_answer()
    out.write_text("\n".join(result) + "\n", encoding="utf-8")
    for name in missing:
        print(f"{page.name}: no TEST_CASE found for `{name}` (left as text)")


def point_source_links(root, html_dir):
    known = {str(s.relative_to(root)): label(root, s) for s in test_sources(root) + snippet_sources(root)}
    link = re.compile(r'<a href="([^":#]+)">([^<]+)</a>')
    pointed = 0
    for page in sorted(html_dir.glob("*.html")):
        text = page.read_text(encoding="utf-8")

        def point(match):
            nonlocal pointed
            if match.group(2) in known and not (html_dir / match.group(1)).exists():
                pointed += 1
                return f'<a href="{known[match.group(2)]}.html">{match.group(2)}</a>'
            return match.group(0)
        fixed = link.sub(point, text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    print(f"source links pointed at the files' pages: {pointed}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sources":
        write_sources(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "link":
        write_linked(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "source-links":
        point_source_links(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
