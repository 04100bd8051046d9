"""Display: the same table as plain text for ``print`` and as HTML for a Jupyter notebook.

A network's summary, the diagnostics report and a training history are shown two ways:
``str(obj)`` is aligned plain text for a terminal; ``obj._repr_html_()`` is what Jupyter
shows, built here from the very same rows, so the two can never disagree. A history's
HTML is its cost curve, drawn as inline SVG (no matplotlib needed, nothing downloaded).
Every cell is HTML-escaped: names come from files and users.
"""

from collections.abc import Iterable, Mapping, Sequence
from html import escape

#: TensorFlow Playground's blue and orange, as in glassnet.plotting
_SERIES_COLOURS = ("#0877bd", "#f59322")


def text_table(rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """Rows of cells (the first row the header) as left-aligned columns of plain text."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def html_table(rows: Sequence[Sequence[str]], caption: str = "",
               notes: Iterable[str] = ()) -> str:
    """Rows of cells (the first row the header) as an HTML table, with a caption and notes."""
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                   for row in rows[1:])
    parts = [f'<table class="glassnet"><caption>{escape(caption)}</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"]
    parts += [f"<p>{escape(note)}</p>" for note in notes]
    return "<div>" + "".join(parts) + "</div>"


def curve_svg(series: Mapping[str, Sequence[float]], title: str = "Cost per epoch",
              y_label: str = "cost J", width: int = 480, height: int = 240) -> str:
    """Line charts of named series of numbers (e.g. {"training cost J": [...]}) as SVG.

    Each series is drawn against its epoch number (from 1); the vertical axis spans the
    finite values of all series. Series with no finite value are left out.
    """
    margin = 44
    finite = {name: [float(v) for v in values] for name, values in series.items()
              if any(_finite(v) for v in values)}
    values = [v for vs in finite.values() for v in vs if _finite(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    high = high if high > low else low + 1.0
    longest = max((len(vs) for vs in finite.values()), default=1)

    def x(i: int) -> float:
        return margin + (width - 2 * margin) * (i / max(longest - 1, 1))

    def y(v: float) -> float:
        return height - margin - (height - 2 * margin) * ((v - low) / (high - low))

    lines, legend = [], []
    for k, (name, vs) in enumerate(finite.items()):
        colour = _SERIES_COLOURS[k % len(_SERIES_COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs) if _finite(v))
        lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{points}"><title>{escape(name)}</title></polyline>')
        legend.append(f'<text x="{width - margin}" y="{margin - 24 + 14 * k}" '
                      f'text-anchor="end" fill="{colour}">{escape(name)}</text>')
    axes = (f'<line x1="{margin}" y1="{height - margin}" x2="{width - margin}" '
            f'y2="{height - margin}" stroke="#555"/>'
            f'<line x1="{margin}" y1="{margin}" x2="{margin}" y2="{height - margin}" '
            f'stroke="#555"/>')
    labels = (f'<text x="{margin}" y="{margin - 8}" font-weight="bold">{escape(title)}</text>'
              f'<text x="{margin - 4}" y="{margin + 4}" text-anchor="end">{high:.4g}</text>'
              f'<text x="{margin - 4}" y="{height - margin}" text-anchor="end">{low:.4g}</text>'
              f'<text x="{width / 2}" y="{height - 10}" text-anchor="middle">epoch '
              f'(1 … {longest})</text>'
              f'<text x="12" y="{height / 2}" transform="rotate(-90 12 {height / 2})" '
              f'text-anchor="middle">{escape(y_label)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" font-family="sans-serif" font-size="11">'
            f"<title>{escape(title)}</title>{axes}{''.join(lines)}{labels}"
            f"{''.join(legend)}</svg>")


def _finite(value: float) -> bool:
    return value == value and abs(value) != float("inf")
