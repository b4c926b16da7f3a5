#!/usr/bin/env python3
"""The "What holds where" page, built from real runs of the filesystem matrix.

  what_holds_where.py column RUN_TXT OUT_TSV JUNIT_XML [JUNIT_XML...]
      One column: CTest's JUnit reports of the suite run on one filesystem
      (and run.txt: kind, kernel, date, mount, seconds, status) reduced to
      one line per test: name, outcome, and what it observed or why it
      skipped or failed. common/testing/filesystem_matrix.sh calls this.

  what_holds_where.py check PAGE_MD DIR
      Exit 1 unless PAGE_MD is exactly the page generated from DIR (the
      suite keeps docs/what_holds_where.md in step with docs/results/).

  what_holds_where.py publish RESULTS_DIR DOCS_DIR
      A maintainer's step after a matrix run: replaces DOCS_DIR/results/*.tsv
      with RESULTS_DIR's and regenerates DOCS_DIR/what_holds_where.md.

  what_holds_where.py page OUT_MD DIR [DIR...]
      The page, from the column files (*.tsv) of the first DIR that has any.
      Every test is a claim; each cell says whether it held on that
      filesystem, with the values it observed (lines "observed: KEY=VALUE"
      printed by mbe::testing::observe), so a claim whose value differs
      between filesystems shows each filesystem's own value.
"""
import pathlib
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

COLUMN_ORDER = ["ext4-journal", "ext4-nojournal", "xfs", "btrfs", "tmpfs"]
COLUMN_TITLES = {
    "ext4-journal": "ext4 (journal)",
    "ext4-nojournal": "ext4 (no journal)",
    "xfs": "xfs",
    "btrfs": "btrfs",
    "tmpfs": "tmpfs",
}
CHAPTER_TITLES = {
    "common": "The helper (common)",
    "ch00": "00 The page cache, seen",
    "ch01": "01 MS_SYNC, the durable commit",
    "ch02": "02 MS_ASYNC, fsync and friends",
    "ch03": "03 MS_INVALIDATE",
    "ch04": "04 Partial-page sync",
    "ch05": "05 Records between processes",
    "ch06": "06 Surviving SIGKILL",
    "ch07": "07 Pull the plug (host-side checks)",
    "ch08": "08 File-size edges",
    "ch09": "09 MAP_SYNC",
    "ch10": "10 What persistence costs",
}


def clean(text):
    """One line, no tabs, safe inside a Markdown table cell, with no path of
    the run's own (scratch directories have random names)."""
    text = " ".join(text.split())
    text = re.sub(r"/\S*msync-by-example\.[A-Za-z0-9]{6}", "the scratch directory", text)
    text = text.replace("*", "\\*")
    return text.replace("|", "\\|")


def column(run_path, out_path, junit_paths):
    run = {}
    for line in pathlib.Path(run_path).read_text().splitlines():
        key, _, value = line.partition("=")
        run[key] = value
    rows = []
    cases = [case for path in junit_paths for case in ElementTree.parse(path).getroot().iter("testcase")]
    for case in cases:
        output = case.findtext("system-out") or ""
        observed = [m.group(1) for m in re.finditer(r"^observed: (.*)$", output, re.M)]
        if case.find("skipped") is not None or case.get("status") == "notrun":
            outcome = "skipped"
            reasons = re.findall(r"^SKIPPED: (.*)$", output, re.M)
            detail = reasons[0] if reasons else "skipped"
        elif case.find("failure") is not None or case.get("status") == "fail":
            outcome = "failed"
            errors = re.findall(r"ERROR: (.*)$", output, re.M)
            detail = errors[0] if errors else "failed"
        else:
            outcome = "held"
            detail = "; ".join(observed)
        rows.append((case.get("name"), outcome, clean(detail)))
    with open(out_path, "w") as out:
        for key in ("kind", "kernel", "date", "mount", "seconds", "status"):
            out.write(f"#{key}={run.get(key, '')}\n")
        for name, outcome, detail in sorted(rows):
            out.write(f"{name}\t{outcome}\t{detail}\n")


def read_column(path):
    header, results = {}, {}
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].partition("=")
            header[key] = value
        elif line:
            name, outcome, detail = (line.split("\t") + ["", ""])[:3]
            results[name] = (outcome, detail)
    return header, results


def observations(detail):
    """[(key, value)] from "key=value; key=value"."""
    pairs = []
    for part in detail.split("; "):
        key, sign, value = part.partition("=")
        if sign:
            pairs.append((key, value))
    return pairs


def cell(result, keys):
    if result is None:
        return "—"
    outcome, detail = result
    if outcome == "held":
        values = dict(observations(detail))
        shown = "; ".join(values.get(key, "?") for key in keys)
        return f"✔ {shown}" if shown else "✔"
    short = detail if len(detail) <= 90 else detail[:87] + "…"
    if outcome == "skipped":
        return f"skipped: {short}"
    return f"**✘ failed**: {short}"


def page(out_path, directories):
    columns = {}
    source = None
    for directory in directories:
        files = sorted(pathlib.Path(directory).glob("*.tsv"))
        if files:
            source = directory
            for path in files:
                header, results = read_column(path)
                columns[header.get("kind", path.stem)] = (header, results)
            break
    kinds = [k for k in COLUMN_ORDER if k in columns] + sorted(set(columns) - set(COLUMN_ORDER))
    out = []
    out.append("# What holds where {#what_holds_where}\n")
    out.append(
        "Every test of the suite is a claim. This page shows what each claim did when the whole\n"
        "suite ran with its scratch directory on each filesystem of the **filesystem matrix**:\n"
        "a small image of each kind, made fresh in RAM (tmpfs), loop-mounted in a private\n"
        "mount namespace.\n"
        "It is generated from that run's results, never typed by hand. Not in the matrix:\n"
        "the virtual-machine labs of chapters 07 and 09 (their guests have disks, memory and\n"
        "a kernel of their own), fuzzing, the checks of the pages, the style checks, the\n"
        "student's own tests, and the tests no filesystem can change (label `any-filesystem`:\n"
        "no regular file of the filesystem under test in them; they held on all five columns\n"
        "in every run up to 2026-12-02). The writeback waits of each column run on an image\n"
        "of their own,\n"
        "after every column's suite. A few tests make small\n"
        "filesystems of their own (chapter 08's full disk, failing device and rename, the\n"
        "flush tests of chapters 01 and 02, chapter 10's dirty-limit tests): their rows show\n"
        "those filesystems' values, the same in every column.\n")
    if not kinds:
        out.append("No results of a matrix run were found; run `cmake --workflow --preset filesystems`"
                   " as root.\n")
        pathlib.Path(out_path).write_text("\n".join(out))
        return
    kernels = sorted({columns[k][0].get("kernel", "?") for k in kinds})
    dates = sorted({columns[k][0].get("date", "?") for k in kinds})
    out.append(f"- Kernel: **{', '.join(kernels)}** (host); run on {', '.join(dates)}.")
    out.append(f"- Results read from `{pathlib.Path(source).name}/` "
               "(`docs/results/` holds the run published with the collection).")
    out.append("- Regenerate on your machine, as root: `cmake --workflow --preset filesystems`; the page is"
               " then `build/filesystems/docs/html/what_holds_where.html`.\n")
    out.append("| filesystem | mount | suite + waits time | tests held | skipped | failed |")
    out.append("|---|---|---:|---:|---:|---:|")
    for kind in kinds:
        header, results = columns[kind]
        counts = {o: sum(1 for r in results.values() if r[0] == o) for o in ("held", "skipped", "failed")}
        out.append(f"| {COLUMN_TITLES.get(kind, kind)} | `{clean(header.get('mount', ''))}` | "
                   f"{header.get('seconds', '?')} s | {counts['held']} | {counts['skipped']} | "
                   f"{counts['failed']} |")
    out.append("")
    out.append("## Power loss, in chapter 07's guest\n")
    out.append(
        "Not a column of the matrix above, but the same four disk filesystems: chapter 07's lab\n"
        "pulls the plug on a virtual machine whose disk is ext4 with or without its journal,\n"
        "xfs or btrfs, and runs every call under both power models — `kill -9` of qemu, and a\n"
        "disk cache that keeps only what a flush made durable. Scope: the guest kernel\n"
        "`6.1.0-56-cloud-amd64`, its periodic writeback and the filesystems' commit timers\n"
        "off, 2026-12-01. Its page keeps those tables, every cell a test: *What survived* and\n"
        "*Names that survive* in chapter 07. Where the\n"
        "filesystems differ there: ext4 without a journal loses every `MS_SYNC` and `fdatasync`\n"
        "record with a volatile cache (on 6.1 a data sync of an overwrite in place sends no\n"
        "flush) and keeps a new file's records all or none when qemu is killed (with\n"
        "`MS_SYNC`, `fdatasync` or `sync_file_range`; `fsync` kept all); btrfs loses\n"
        "`sync_file_range`'s records even when qemu is killed (copy on write, no transaction\n"
        "commit). Names: a rename followed by an fsync of the file or of its directory kept\n"
        "the new name on journaled ext4, xfs and btrfs under both models; on ext4 without a\n"
        "journal only the directory fsync did, and only under `kill -9` — with a volatile\n"
        "cache no rename survived.\n")
    names = sorted({name for k in kinds for name in columns[k][1]})
    differing = [n for n in names
                 if len({columns[k][1].get(n, ("", ""))[1] for k in kinds
                         if columns[k][1].get(n, ("", ""))[0] == "held"}) > 1]
    out.append("## Claims whose observed values differ\n")
    out.append("These claims hold where they run, each with its filesystem's own value: the test\n"
               "asserts the value measured for the filesystem it finds itself on. After a test's name,\n"
               "in italics, what it observed; each cell gives the values in that order.\n")
    out.append(table(differing, kinds, columns))
    by_chapter = {}
    for name in names:
        by_chapter.setdefault(name.split("/")[0], []).append(name)
    out.append("## Every claim, chapter by chapter\n")
    for chapter in sorted(by_chapter):
        out.append(f"### {CHAPTER_TITLES.get(chapter, chapter)}\n")
        out.append(table(by_chapter[chapter], kinds, columns))
    pathlib.Path(out_path).write_text("\n".join(out) + "\n")


def table(names, kinds, columns):
    if not names:
        return "None.\n"
    lines = ["| claim (test) | " + " | ".join(COLUMN_TITLES.get(k, k) for k in kinds) + " |",
             "|---|" + "---|" * len(kinds)]
    for name in names:
        keys = []
        for kind in kinds:
            outcome, detail = columns[kind][1].get(name, ("", ""))
            if outcome == "held":
                keys += [key for key, _ in observations(detail) if key not in keys]
        claim = f"`{clean(name)}`" + (f" — *{'; '.join(keys)}*" if keys else "")
        cells = [cell(columns[k][1].get(name), keys) for k in kinds]
        lines.append(f"| {claim} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def check(page_path, directory):
    with tempfile.TemporaryDirectory() as scratch:
        fresh = pathlib.Path(scratch) / "what_holds_where.md"
        page(fresh, [directory])
        if fresh.read_text() != pathlib.Path(page_path).read_text():
            sys.stderr.write(f"{page_path} is not the page generated from {directory}: regenerate it "
                             "with `what_holds_where.py page` (or the publish-what-holds-where target)\n")
            return 1
    print(f"{page_path} matches the results in {directory}")
    return 0


def publish(results_dir, docs_dir):
    columns = sorted(pathlib.Path(results_dir).glob("*.tsv"))
    if not columns:
        sys.stderr.write(f"no column files (*.tsv) in {results_dir}: run the filesystem matrix first\n")
        return 1
    target = pathlib.Path(docs_dir) / "results"
    target.mkdir(exist_ok=True)
    for old in target.glob("*.tsv"):
        old.unlink()
    for path in columns:
        shutil.copyfile(path, target / path.name)
    page(pathlib.Path(docs_dir) / "what_holds_where.md", [target])
    print(f"published {len(columns)} columns to {target} and regenerated what_holds_where.md")
    return 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "column":
        column(argv[2], argv[3], argv[4:])
    elif len(argv) == 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "publish":
        return publish(argv[2], argv[3])
    elif len(argv) >= 4 and argv[1] == "page":
        page(argv[2], argv[3:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
