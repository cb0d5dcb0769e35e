"""The preprocessors' settings: their defaults, and enabled when nbgrader registers them."""

from __future__ import annotations

from nbconvert.exporters import HTMLExporter

from autograder.preprocessors import CapOutputs, SanitizeNotebook


def test_defaults_and_enabled_when_registered_as_nbgrader_does():
    cap = CapOutputs()
    assert (
        cap.max_output_bytes,
        cap.max_cell_bytes,
        cap.max_notebook_bytes,
        cap.max_attachment_bytes,
    ) == (200_000, 1_000_000, 8_000_000, 2_000_000)
    exporter = HTMLExporter()
    for cls in (CapOutputs, SanitizeNotebook):
        exporter.register_preprocessor(cls)  # nbgrader passes no `enabled`
        instance = exporter._preprocessors[-1]
        assert isinstance(instance, cls)
        assert instance.enabled, f"{cls.__name__} would silently do nothing inside nbgrader"
    assert SanitizeNotebook().safe_output_types >= {"text/plain", "image/png"}
