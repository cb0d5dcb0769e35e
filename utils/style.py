"""The course's look: one palette, one set of rcParams, and one way to make a figure.

Every figure of the course is made the same way::

    @course_style()                        # draw under the course's rcParams
    def plot_something(...) -> CourseFigure:
        fig = new_figure(figsize=(6.0, 3.4))
        ax = fig.add_subplot()
        ax.plot(...)                       # colours from COLORS / CLASS_COLORS
        return fig

:func:`course_style` applies :data:`STYLE` while the function draws (it is a
context manager too: ``with course_style(): ...``) and restores the global
``rcParams`` afterwards.  :func:`new_figure` makes a :class:`CourseFigure`: a
plain ``matplotlib.figure.Figure`` (no pyplot, so no global figure list) that
shows itself as a PNG wherever it is the value of a notebook cell -- in
JupyterLab, in a notebook executed headless, on GitHub -- under any matplotlib
backend, without registering anything with IPython.

Figures speak the language in use (:mod:`utils.i18n`). Chinese text needs a CJK font:
:data:`CJK_FONTS` lists the ones tried, in order (``fonts-noto-cjk`` on Debian/Ubuntu, which
``tools/system-deps.sh`` installs, then the usual macOS and Windows ones); the text is drawn in
DejaVu Sans and only the glyphs it lacks come from the CJK font (matplotlib's font fallback), so
English figures look exactly as before. Without any CJK font, :func:`figure_language` is English:
a figure never shows empty boxes nor writes a missing-glyph warning to stderr (which nbgrader
would score as a failed cell).

Importing this module changes nothing: no rcParams, no display formatters.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re

import matplotlib as mpl
from cycler import cycler
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from utils.i18n import language

__all__ = [
    "COLORS",
    "CLASS_COLORS",
    "STYLE",
    "PNG_DPI",
    "CJK_FONTS",
    "CourseFigure",
    "cjk_font",
    "course_style",
    "figure_language",
    "new_figure",
    "png_bytes",
]

#: Okabe-Ito colour-blind-safe palette (plus grey and Paul Tol's "wine"), the roles the
#: figures give them, and a few pale fills for boxes (the computation graph).
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
    "wine": "#882255",
}
COLORS.update(
    train=COLORS["blue"],
    validation=COLORS["orange"],
    highlight=COLORS["orange"],
    wrong=COLORS["vermillion"],
    right=COLORS["green"],
)
COLORS.update(
    white="#ffffff",
    dark_grey="#555555",
    pale_grey="#eeeeee",
    paper="#f7f7f7",
    pale_blue="#dbe9f6",
    pale_green="#d6f0d6",
    pale_orange="#ffd9a8",
)

#: Ten distinguishable colours, one per class (digit 0 -> blue, 1 -> orange, ...).
CLASS_COLORS = [
    COLORS[name]
    for name in (
        "blue",
        "orange",
        "green",
        "vermillion",
        "purple",
        "sky",
        "yellow",
        "black",
        "wine",
        "grey",
    )
]

#: The rcParams every course figure is drawn under (locally, see :func:`course_style`).
STYLE = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=CLASS_COLORS),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#b0b0b0",
    "grid.alpha": 0.35,
    "grid.linewidth": 0.7,
    "lines.linewidth": 2.0,
}

#: Resolution of every PNG the course shows (inline figures and widget frames alike).
PNG_DPI = 90


#: CJK-capable font families, in order of preference (the first one installed is used).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)
#: Languages whose text needs a CJK font.
NEEDS_CJK = frozenset({"zh", "ja", "ko"})
_CJK_FILE = re.compile(r"cjk|wqy|wenquanyi|sourcehan|pingfang|msyh|simhei|hiragino", re.I)


@functools.cache
def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` that matplotlib can use, or ``None``.

    matplotlib caches its font list; a font installed after the cache was written (the usual
    case: ``apt-get install fonts-noto-cjk`` after the first figure) is added from the system's
    font files once, here.
    """

    def installed():
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FONTS if family in names), None)

    found = installed()
    if found is None:
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(path):
                with contextlib.suppress(Exception):  # an unreadable font file: skip it
                    font_manager.fontManager.addfont(path)
        found = installed()
    return found


def figure_language() -> str:
    """The language of figure text: the language in use, or English when it has no font here."""
    code = language()
    return "en" if code in NEEDS_CJK and cjk_font() is None else code


def _style_now() -> dict:
    style = dict(STYLE)
    if figure_language() in NEEDS_CJK:
        style["font.family"] = ["DejaVu Sans", cjk_font()]  # per-glyph fallback to the CJK font
    return style


class course_style(contextlib.ContextDecorator):  # noqa: N801 - used like a function
    """:data:`STYLE` while drawing, as ``with course_style():`` or ``@course_style()``.

    The global ``rcParams`` are restored on the way out, even after an error. The fonts are
    chosen when drawing starts, for the language in use then.
    """

    def __init__(self):
        self._contexts = []

    def __enter__(self):
        context = mpl.rc_context(_style_now())
        self._contexts.append(context)
        return context.__enter__()

    def __exit__(self, *exc):
        return self._contexts.pop().__exit__(*exc)


PNG_COMPRESSION = 1
"""zlib's fastest level (matplotlib's default is 6): lesson 02's race frame encodes in 9.6 ms
against 13.5 ms, for a PNG 6% larger: a few milliseconds off every widget's redraw."""


def png_bytes(fig: Figure, *, dpi: int = PNG_DPI, crop=None) -> bytes:
    """A figure as PNG bytes, cropped to what is drawn; works under any backend, no pyplot.

    ``crop`` (a ``Bbox`` in inches) fixes the crop instead of measuring it: one drawing pass
    instead of two, and the same image size frame after frame (what a widget's redraw wants).
    """
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=dpi,
        bbox_inches="tight" if crop is None else crop,
        pil_kwargs={"compress_level": PNG_COMPRESSION},
    )
    return buffer.getvalue()


class CourseFigure(Figure):
    """A ``Figure`` that displays itself as one PNG in Jupyter and in static renderings.

    IPython asks an object without a registered formatter for ``_repr_png_``;
    when a formatter for ``Figure`` is registered (``%matplotlib inline`` after
    pyplot is imported), IPython uses that one instead -- either way one image.
    """

    def _repr_png_(self) -> bytes:
        return png_bytes(self)


def new_figure(
    *, figsize: tuple[float, float], layout: str | None = "constrained", **options
) -> CourseFigure:
    """A new, empty :class:`CourseFigure` (``options`` go to ``Figure``, e.g. ``dpi``).

    Add axes and draw inside :func:`course_style` so that they get the course's look.

    >>> fig = new_figure(figsize=(4.0, 3.0))
    >>> type(fig).__name__, fig.get_size_inches().tolist()
    ('CourseFigure', [4.0, 3.0])
    """
    with course_style():
        fig = CourseFigure(figsize=figsize, layout=layout, **options)
    # One Agg canvas for the figure's whole life: savefig then draws on it instead of a new one
    # each time, so its renderer, and the text sizes matplotlib caches per renderer, are reused
    # from one frame of a widget to the next (a third off a redraw full of tick labels).
    FigureCanvasAgg(fig)
    return fig
