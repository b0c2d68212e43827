"""A matplotlib Figure that shows itself in Jupyter: no pyplot, no ``%matplotlib`` magic.

IPython shows an object by its ``_repr_png_``; a Figure made without pyplot has none.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

__all__ = ["InlineFigure"]


class InlineFigure(Figure):
    """A :class:`matplotlib.figure.Figure` with a PNG representation for Jupyter.

    Still a Figure in every other way: ``savefig``, ``axes``, ``add_subplot`` work as usual,
    and nothing global (pyplot's current figure, the backend) changes.
    """

    #: resolution of the inline image (the figure's own ``dpi`` is for ``savefig``)
    repr_dpi = 100

    def _repr_png_(self):
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=self.repr_dpi)
        return buf.getvalue()
