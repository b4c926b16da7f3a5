#!/usr/bin/env python3
"""Pages of the site that are made from the sources at build time.

Usage: site_pages.py sources ROOT OUT.dox
       site_pages.py link ROOT PAGE.md OUT.md
       site_pages.py filter PAGE.md
       site_pages.py source-links ROOT HTML_DIR
       site_pages.py check-filtered ROOT HTML_DIR [--self-test]

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
filter:  Doxygen's input filter for the chapters' pages (FILTER_PATTERNS):
         prints PAGE with every test it names linked to the line of its
         TEST_CASE, as `link` does, line for line (so Doxygen's line numbers
         stay the file's) — the claims tables' test names become links.
check-filtered: after Doxygen: every test a chapter's page names that has a
         TEST_CASE is a link to its line on that chapter's HTML page. With
         --self-test, the same check on a copy of the pages whose links were
         stripped must fail.
source-links: after Doxygen. A page names the file of each \snippet on the
         line after it, <small>Source: [chapters/NN/x.cpp](x.cpp)</small>: a
         relative link, right for a reader of the repository. On the site
         that href points at nothing; this points it at the file's page.
"""
import html
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


def test_linker(cases, missing):
    """A re.sub replacement: `chNN/name` -> a link to its TEST_CASE's line."""
    def link(match):
        name = match.group(1)
        if name not in cases:
            if " " in name:  # a test name (paths and one-word tool names are not)
                missing.append(name)
            return match.group(0)
        target, line = cases[name]
        return test_link(name, target, line)
    return link


def test_link(name, target, line):
    # A Markdown link around the code span: inside an HTML <code>, Doxygen
    # would turn "--" into an en dash.
    return f"[`{name}`]({target}.html#l{line:05d})"


TEST_NAME = re.compile(r"`((?:ch\d\d|common)/[^`]+)`")


def write_filtered(page):
    root = pathlib.Path(__file__).resolve().parent.parent
    missing = []
    link, in_code = test_linker(test_cases(root), missing), False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        print(line if in_code else TEST_NAME.sub(link, line))
    # A name without a TEST_CASE (a test CMake adds, like `ch07/fetch the guest
    # kernel`) stays text; the page checks see to the names themselves.


def write_linked(root, page, out):
    cases, titles = test_cases(root), chapter_titles(root)
    missing = []
    link = test_linker(cases, missing)

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
            line = TEST_NAME.sub(link, line)
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


def unlinked_tests(root, html_dir):
    """[(page, test name)] a chapter page names but its HTML does not link."""
    cases, missing = test_cases(root), []
    for readme in sorted(root.glob("chapters/*/README.md")):
        text = readme.read_text(encoding="utf-8")
        label = re.match(r".*\{#(ch\d\d)\}", text.splitlines()[0]) if text.strip() else None
        if not label or not (html_dir / f"{label.group(1)}.html").is_file():
            missing.append((readme.parent.name, "(no {#chNN} label on line 1, or no page for it)"))
            continue
        page = (html_dir / f"{label.group(1)}.html").read_text(encoding="utf-8")
        for name in dict.fromkeys(TEST_NAME.findall(text)):
            if name in cases:
                target, line = cases[name]
                shown = html.escape(name, quote=False)  # as Doxygen writes it
                anchor = f'<a href="{target}.html#l{line:05d}"><code>{shown}</code></a>'
                if anchor not in page:
                    missing.append((readme.parent.name, name))
    return missing


def check_filtered(root, html_dir, self_test):
    if self_test:
        import tempfile
        with tempfile.TemporaryDirectory() as scratch:
            for page in html_dir.glob("ch[0-9][0-9].html"):
                stripped = re.sub(r'<a href="src_[^"]*"><code>([^<]*)</code></a>', r"<code>\1</code>",
                                  page.read_text(encoding="utf-8"))
                (pathlib.Path(scratch) / page.name).write_text(stripped, encoding="utf-8")
            caught = [name for _, name in unlinked_tests(root, pathlib.Path(scratch))
                      if not name.startswith("(")]  # real test names, not missing pages
        print(f"self-test: pages without the links: {len(caught)} test names reported unlinked")
        return 0 if caught else 1
    missing = unlinked_tests(root, html_dir)
    for chapter, name in missing:
        print(f"{chapter}: `{name}` is not a link to its TEST_CASE on the site")
    print(f"chapter pages checked; test names not linked: {len(missing)}")
    return 1 if missing else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sources":
        write_sources(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "link":
        write_linked(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4]))
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "check-filtered" and sys.argv[4:] in ([], ["--self-test"]):
        return check_filtered(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]), sys.argv[4:] == ["--self-test"])
    elif len(sys.argv) == 3 and sys.argv[1] == "filter":
        write_filtered(pathlib.Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "source-links":
        point_source_links(pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
