"""The docs run: every ```python block of every docs/*.md file and of the README.

For each Markdown file in docs/, and the README (one test per file, named after it) the ```python blocks
are executed in order in one namespace, in a fresh temporary working directory. A block
fenced ```python no-run is shown to readers but not executed. A block fenced ```output
right after a python block holds what that block prints: the printed text must match it
(trailing spaces and blank lines aside), so the numbers a guide shows are checked too.

A failure names the file, the block and its line; the traceback points into the .md file.
"""

import contextlib
import io
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
_FENCE = re.compile(r"^```(.*)$")


@dataclass
class Block:
    line: int  # line of the first code line in the .md file (from 1)
    code: str
    expected_output: str | None = None


def python_blocks(text):
    """The runnable python blocks of a Markdown text, each with its expected output."""
    blocks, lines, i = [], text.splitlines(), 0
    last_was_python = False
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            if lines[i].strip():
                last_was_python = False
            i += 1
            continue
        info = opening.group(1).split()
        start = i + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        body = "\n".join(lines[start:end])
        if info[:1] == ["python"] and "no-run" not in info[1:]:
            blocks.append(Block(start + 1, body))
            last_was_python = True
        elif info[:1] == ["output"] and last_was_python:
            blocks[-1].expected_output = body
            last_was_python = False
        else:
            last_was_python = False
        i = end + 1
    return blocks


def _normalized(text):
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run_blocks(path, blocks):
    """Execute the blocks in one namespace; fail naming the file, block and line."""
    namespace = {"__name__": f"docs_{path.stem}"}
    for number, block in enumerate(blocks, 1):
        where = f"{path.name}, python block {number} (line {block.line})"
        # Padding with blank lines makes tracebacks give the line number in the .md file.
        code = compile("\n" * (block.line - 1) + block.code, str(path), "exec")
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
        except Exception:
            pytest.fail(f"{where} raised:\n{traceback.format_exc()}", pytrace=False)
        if block.expected_output is not None:
            got, want = _normalized(printed.getvalue()), _normalized(block.expected_output)
            if got != want:
                pytest.fail(f"{where} printed\n{got}\n\nbut the ```output block after it "
                            f"says\n{want}", pytrace=False)


README = DOCS.parent / "README.md"
DOC_FILES = sorted(DOCS.glob("*.md")) + [README] * README.exists()


@pytest.mark.parametrize("path", DOC_FILES, ids=[p.name for p in DOC_FILES])
def test_doc_examples_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    try:
        run_blocks(path, python_blocks(path.read_text(encoding="utf-8")))
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def test_every_guide_is_listed_in_the_index():
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    guides = [p for p in DOC_FILES if p.parent == DOCS and p.name != "index.md"]
    missing = [p.name for p in guides if f"({p.name})" not in text]
    assert not missing, f"docs/index.md does not link to {missing}"


def test_the_cli_guide_lists_every_command():
    from glassnet.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    table = [line for line in (DOCS / "cli.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("| `glassnet ")]
    listed = {re.match(r"\| `glassnet (\w+)", line).group(1) for line in table}
    assert listed == set(sub.choices), "docs/cli.md's table and the CLI's commands differ"


# ------------------------------------------------------------------- the harness itself
SAMPLE = """\
Text.

```python
x = 2
print(x * 3)
```

```output
6
```

```python no-run
raise SystemExit("never run")
```

```bash
echo not python
```

```python
print(x + 1)
```
"""


def test_the_harness_reads_blocks_outputs_and_no_run():
    blocks = python_blocks(SAMPLE)
    assert [b.code for b in blocks] == ["x = 2\nprint(x * 3)", "print(x + 1)"]
    assert [b.line for b in blocks] == [4, 21]
    assert [b.expected_output for b in blocks] == ["6", None]


def test_the_harness_fails_on_a_wrong_output_or_an_error(tmp_path):
    path = tmp_path / "sample.md"
    run_blocks(path, python_blocks(SAMPLE))  # runs, and its output matches
    with pytest.raises(pytest.fail.Exception, match=r"sample.md, python block 1 \(line 4\)"):
        run_blocks(path, python_blocks(SAMPLE.replace("\n6\n", "\n7\n")))
    with pytest.raises(pytest.fail.Exception, match=r"python block 2 \(line 21\)[\s\S]*NameError"):
        run_blocks(path, python_blocks(SAMPLE.replace("print(x + 1)", "print(y)")))
