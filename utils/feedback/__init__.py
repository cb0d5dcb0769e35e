"""Student feedback for exercises: checks that raise :class:`ExerciseError` with a message that
names the mistake, and a green tick when all is well (see :mod:`utils.feedback.core`)."""
from utils.feedback.core import ExerciseError, as_result_array, call, check, check_close, passed

__all__ = ['ExerciseError', 'as_result_array', 'call', 'check', 'check_close', 'passed']
