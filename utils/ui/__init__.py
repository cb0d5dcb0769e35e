"""The course's interface pieces, shared by every lesson: the figure widget and the quiz widget.
The drawing pad (``utils.ui.drawing_pad.DrawingCanvas``, an anywidget) is imported by the one
lesson that draws, not here, so the other lessons never load anywidget.

Each shows a still figure or question when no front end drives it (static renderings, nbgrader).
"""

from utils.ui.figure_widget import FigureWidget, figure_png, static_mode
from utils.ui.quiz import Choice, Question, QuizSet

__all__ = ["Choice", "FigureWidget", "Question", "QuizSet", "figure_png", "static_mode"]
