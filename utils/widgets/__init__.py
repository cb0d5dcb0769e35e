"""Interactive widgets for the lessons; each also draws a still figure without a front end.

``base`` holds the shared :class:`FigureWidget` pattern; each lesson's widgets
live in their own module (``activations``, ``softmax``, ``optimizers``,
``backprop``, ``digits``) and are imported from there.
"""
from utils.widgets.base import FigureWidget, figure_png, static_mode

__all__ = ["FigureWidget", "figure_png", "static_mode"]
