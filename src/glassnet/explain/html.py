"""Web pages: a worked solution (or a worksheet) as one self-contained, offline HTML file.

The page is made from the Markdown that ``render.to_markdown`` writes: headings and
paragraphs become HTML, each formula becomes MathML (by ``latex2mathml``), which a browser
shows natively: no script, no style sheet or font to download. Each row of a block of
equations is its own display formula, so that a long row wraps on a narrow screen (a
phone, 390 px wide) and the page prints one formula per line.
"""

import html
import itertools
import re

from ..errors import ConfigError

#: the page's own style: readable on a phone, printable, wide formulas scroll in their box
STYLE = """
body { font-family: serif; line-height: 1.5; margin: 0 auto; max-width: 46rem;
       padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }
.formula { overflow-x: auto; max-width: 100%; margin: 0.25rem 0; }
.formula math { font-size: 1.05em; }
p math { max-width: 100%; }
@media (max-width: 480px) { .formula math { font-size: 0.85em; } }
@media print { .formula { overflow: visible; page-break-inside: avoid; } }
"""

_INLINE = re.compile(r"\$(?!\$)(.+?)\$")


def markdown_to_html(markdown, title="glassnet"):
    """The HTML page of ``markdown`` as glassnet writes it (# headings, paragraphs, $…$ and
    $$…$$ formulas, - lists)."""
    body, lines, i = [], markdown.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == "$$":
            end = lines.index("$$", i + 1)
            body += [_display(part) for row in _rows(lines[i + 1:end])
                     for part in _chain(row)]
            i = end + 1
            continue
        heading = re.match(r"^(#{1,4}) (.*)$", line)
        if heading:
            level = len(heading[1])
            body.append(f"<h{level}>{_inline(heading[2])}</h{level}>")
        elif line.startswith("- "):
            body.append(f"<ul><li>{_inline(line[2:])}</li></ul>")
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
        i += 1
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body).replace("</ul>\n<ul>", "\n") + "\n</body>\n</html>\n")


def _rows(block):
    """The rows of a display block: each row of an aligned environment, '&' dropped."""
    rows = []
    for line in block:
        line = line.strip()
        if line in (r"\begin{aligned}", r"\end{aligned}") or not line:
            continue
        rows.append(_unaligned(line.removesuffix(r"\\").strip()))
    return rows


def _unaligned(row):
    """The row without its alignment mark: the first '&', unless it is a matrix's."""
    mark, matrix = row.find("&"), row.find("\\begin")
    if mark >= 0 and (matrix < 0 or mark < matrix):
        return row[:mark] + row[mark + 1:]
    return row


def _chain(row):
    """A row "a = b = c" as the lines "a = b" and "= c" (split at each '=' outside
    brackets), and a long sum two terms to a line, so that the working fits a phone."""
    equals = _cuts(row, "=")
    equals = [k for k in equals if row[k - 1] != ":"]
    pieces = _pieces(row, equals[1:]) if len(equals) > 1 else [row]
    return [line for piece in pieces for line in _pieces(piece, _cuts(piece, "+")[1::2])]


def _cuts(row, char):
    """The places of ``char`` outside braces and parentheses."""
    depth, cuts = 0, []
    for k, c in enumerate(row):
        depth += {"{": 1, "(": 1, "}": -1, ")": -1}.get(c, 0)
        if c == char and depth == 0:
            cuts.append(k)
    return cuts


def _pieces(row, cuts):
    bounds = [0, *cuts, len(row)]
    return [row[a:b].strip() for a, b in itertools.pairwise(bounds)]


def _mathml(latex, display):
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - latex2mathml is the `explain` extra
        raise ConfigError("writing HTML needs latex2mathml: pip install 'glassnet[explain]'"
                          ) from None
    return convert(latex, display=display)


def _display(latex):
    return f'<div class="formula">{_mathml(latex, "block")}</div>'


def _inline(text):
    parts, last = [], 0
    text = text.replace("\\_", "_")
    for match in _INLINE.finditer(text):
        parts.append(html.escape(text[last:match.start()]))
        parts.append(_mathml(match[1], "inline"))
        last = match.end()
    parts.append(html.escape(text[last:]))
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", "".join(parts))
