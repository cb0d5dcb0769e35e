"""nbgrader/nbconvert preprocessors the grading pipeline adds: one class per file, named after it.

* :class:`RobustExecute` (robust_execute.py): execution that survives a dying or unresponsive kernel;
* :class:`CapOutputs` (cap_outputs.py): bounds the size of what execution left in the notebook;
* :class:`SanitizeNotebook` (sanitize_notebook.py): removes anything a browser would run.
"""
from autograder.preprocessors.robust_execute import RobustExecute

__all__ = ["RobustExecute"]
