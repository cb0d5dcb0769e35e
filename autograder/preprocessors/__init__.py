"""nbgrader/nbconvert preprocessors the grading pipeline adds: one class per file, named after it.

* :class:`RobustExecute` (robust_execute.py): survives a dying or unresponsive kernel, and runs
  the test cells in a checker outside the student's kernel (:mod:`autograder.remote`);
* :class:`HideTests` (hide_tests.py): removes the hidden tests' code once scores are saved;
* :class:`CapOutputs` (cap_outputs.py): bounds the size of what execution left in the notebook;
* :class:`SanitizeNotebook` (sanitize_notebook.py): removes anything a browser would run, with
  the checks of :mod:`autograder.html_safety` (which also has the feedback pages'
  Content-Security-Policy).
"""

from autograder.preprocessors.cap_outputs import CapOutputs
from autograder.preprocessors.hide_tests import HideTests
from autograder.preprocessors.robust_execute import RobustExecute
from autograder.preprocessors.sanitize_notebook import SanitizeNotebook

__all__ = ["CapOutputs", "HideTests", "RobustExecute", "SanitizeNotebook", "autograde_pipeline"]


def autograde_pipeline() -> list:
    """nbgrader's autograde steps with ours: ``c.Autograde.autograde_preprocessors``.

    Scores are saved from the real outputs (the checker's, for test cells); only then is the
    notebook stripped of hidden tests, made small and made safe to render (formgrader shows the
    autograded notebook; feedback is made from it).  Used by ``python -m autograder grade`` and
    by ``autograder/nbgrader_config.py`` (plain ``nbgrader autograde``).
    """
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    return [
        RobustExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
        HideTests,
        CapOutputs,
        SanitizeNotebook,
    ]
