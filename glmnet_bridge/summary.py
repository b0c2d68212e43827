"""Summary: a printable fit summary, text in a terminal and HTML in a notebook.

A header of (label, value) pairs, a coefficient table and numbered notes, as statsmodels prints.
"""

from __future__ import annotations

__all__ = ["Summary"]


class Summary:
    """A printable summary: a header of (label, value) pairs, a coefficient table, notes."""

    def __init__(self, title, header, table, notes):
        self.title, self.header, self.table, self.notes = title, header, table, notes

    def as_text(self):
        """Return the summary as fixed-width text."""
        half = (len(self.header) + 1) // 2
        left, right = self.header[:half], self.header[half:]
        rows = []
        for i in range(half):
            lk, lv = left[i]
            cell = f"{lk + ':':<22}{lv:>16}"
            if i < len(right):
                rk, rv = right[i]
                cell += f"   {rk + ':':<20}{rv:>16}"
            rows.append(cell)
        body = self.table.to_string(float_format=lambda v: f"{v:.4f}")
        width = max(len(r) for r in rows + body.splitlines())
        line = "=" * width
        out = [self.title.center(width), line, *rows, line, body, line]
        out += [f"[{i + 1}] {n}" for i, n in enumerate(self.notes)]
        return "\n".join(out)

    def as_html(self):
        """Return the summary as an HTML fragment."""
        head = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in self.header)
        notes = "".join(f"<li>{n}</li>" for n in self.notes)
        return (f"<h4>{self.title}</h4><table>{head}</table>"
                + self.table.to_html(float_format=lambda v: f"{v:.4f}")
                + f"<ol>{notes}</ol>")

    def __str__(self):
        return self.as_text()

    __repr__ = __str__

    def _repr_html_(self):
        return self.as_html()
