#!/usr/bin/env python3
"""Every chapter page links to its neighbours, in folder order.

Usage: check_chapter_navigation.py SOURCE_DIR
       check_chapter_navigation.py --self-test SOURCE_DIR SCRATCH_DIR

The chapters are the folders chapters/NN_topic (the build finds them the same
way). Line 3 of each chapter's README.md must be its navigation line:
"**Previous:** [Chapter MM — ...](../MM_topic/README.md) · **Next:** [...]",
with no Previous on the first chapter and "**Next:** —" on the last. Prints
each mistake and exits 1; exits 0 when every page is right. --self-test
copies the pages into SCRATCH_DIR, breaks them one way at a time (a Next
link to the wrong folder, a missing Previous, a page renumbered) and exits 0
only when the check fails on each.
"""
import pathlib
import re
import shutil
import sys


def expected_link(word, folder):
    number = folder.name[:2]
    return re.compile(rf"\*\*{word}:\*\* \[Chapter {number} — [^\]]+\]\(\.\./{re.escape(folder.name)}/README\.md\)")


def check(source_dir):
    chapters = sorted(p for p in (pathlib.Path(source_dir) / "chapters").iterdir()
                      if p.is_dir() and re.fullmatch(r"\d\d_[a-z0-9_]+", p.name))
    mistakes = []
    for index, folder in enumerate(chapters):
        lines = (folder / "README.md").read_text().splitlines()
        title = lines[0] if lines else ""
        if not title.startswith(f"# Chapter {folder.name[:2]} — "):
            mistakes.append(f"{folder.name}: line 1 is not '# Chapter {folder.name[:2]} — ...': {title!r}")
        navigation = lines[2] if len(lines) > 2 else ""
        previous = chapters[index - 1] if index > 0 else None
        following = chapters[index + 1] if index + 1 < len(chapters) else None
        if previous and not expected_link("Previous", previous).search(navigation):
            mistakes.append(f"{folder.name}: line 3 does not link Previous to {previous.name}: {navigation!r}")
        if not previous and "**Previous:**" in navigation:
            mistakes.append(f"{folder.name}: the first chapter has a Previous link")
        if following and not expected_link("Next", following).search(navigation):
            mistakes.append(f"{folder.name}: line 3 does not link Next to {following.name}: {navigation!r}")
        if not following and "**Next:** —" not in navigation:
            mistakes.append(f"{folder.name}: the last chapter's line 3 should end '**Next:** —'")
    for mistake in mistakes:
        print(mistake)
    print(f"{len(chapters)} chapters, {len(mistakes)} navigation mistakes")
    return 1 if mistakes else 0


def self_test(source_dir, scratch_dir):
    breakages = {
        "a Next link to the wrong folder": ("03_ms_invalidate", "../04_partial_sync/README.md)", "../05_record_ipc/README.md)"),
        "a missing Previous link": ("05_record_ipc", "**Previous:**", "Previous:"),
        "a renumbered page": ("07_power_loss", "# Chapter 07 —", "# Chapter 7 —"),
    }
    failures = 0
    for what, (chapter, old, new) in breakages.items():
        copy = pathlib.Path(scratch_dir) / "navigation-self-test"
        shutil.rmtree(copy, ignore_errors=True)
        for folder in (pathlib.Path(source_dir) / "chapters").iterdir():
            if (folder / "README.md").is_file():
                (copy / "chapters" / folder.name).mkdir(parents=True)
                shutil.copy(folder / "README.md", copy / "chapters" / folder.name / "README.md")
        page = copy / "chapters" / chapter / "README.md"
        text = page.read_text()
        if old not in text:
            print(f"self-test: cannot break {chapter} ({what}): {old!r} not on the page")
            failures += 1
            continue
        page.write_text(text.replace(old, new, 1))
        if check(copy) == 0:
            print(f"self-test: the check passed a page with {what}")
            failures += 1
        shutil.rmtree(copy)
    print(f"self-test: {len(breakages)} breakages, {failures} not caught")
    return 1 if failures else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--self-test":
        return self_test(sys.argv[2], sys.argv[3])
    if len(sys.argv) != 2:
        sys.exit("usage: check_chapter_navigation.py SOURCE_DIR | --self-test SOURCE_DIR SCRATCH_DIR")
    return check(sys.argv[1])


if __name__ == "__main__":
    sys.exit(main())
