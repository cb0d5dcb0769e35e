"""The shared widget pattern: redraw on change, a still figure without a front end, clear errors."""

import base64

import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from utils.ui import FigureWidget, static_mode


def make(**kwargs):
    def draw(a, label):
        fig = Figure()
        fig.subplots().plot([0, 1], [0, a])
        return fig, f"{label}: slope {a}"

    controls = {
        "a": widgets.FloatSlider(value=1.0, min=0, max=5),
        "label": widgets.Dropdown(options=["x", "y"], value="x"),
    }
    return FigureWidget(draw, controls, **kwargs)


def test_moving_a_control_redraws():
    w = make(title="demo")
    first = w.figure
    assert w.redraws == 1 and w.message == "x: slope 1.0"
    assert w.set(a=3.0) is w.figure and w.figure is not first
    assert w.figure.axes[0].lines[0].get_ydata()[1] == 3.0
    w.controls["label"].value = "y"  # as the front end would
    assert w.message == "y: slope 3.0" and w.redraws == 3
    png = base64.b64decode(w.output.outputs[0]["data"]["image/png"])
    assert png.startswith(b"\x89PNG")


def test_live_bundle_has_widget_and_still_fallback(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("COURSE_STATIC_FIGURES", raising=False)
    bundle = make()._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "image/png", "text/html"} <= set(bundle)


@pytest.mark.parametrize("var", ["NBGRADER_EXECUTION", "COURSE_STATIC_FIGURES"])
def test_static_mode_gives_only_a_still_figure(monkeypatch, var):
    monkeypatch.setenv(var, "1")
    assert static_mode()
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert "x: slope 1.0" in bundle["text/html"] and bundle["image/png"]


def test_errors_are_clear():
    with pytest.raises(KeyError, match="no control named"):
        make().set(b=1)
    with pytest.raises(TypeError, match="ipywidgets value widget"):
        FigureWidget(lambda a: Figure(), {"a": widgets.Button()})
    with pytest.raises(TypeError, match="draw must be a function"):
        FigureWidget("draw", {})


def test_each_lesson_names_its_own_race_and_dtypes():
    """Two lessons race different things; each has its own name, ``race`` stays for notebooks."""
    from utils.lessons import activations, adam_and_layers
    from utils.lessons.activations import widgets as activation_widgets
    from utils.lessons.adam_and_layers import widgets as adam_widgets
    from utils.lessons.backprop import widgets as backprop_widgets
    from utils.lessons.softmax_multiclass import widgets as softmax_widgets

    assert activations.race is activation_widgets.activation_race
    assert adam_and_layers.race is adam_widgets.optimizer_race
    assert activation_widgets.activation_race is not adam_widgets.optimizer_race
    assert (
        softmax_widgets.STABILITY_DTYPES
        == softmax_widgets.DTYPES
        == ("float16", "float32", "float64")
    )
    assert backprop_widgets.EPSILON_DTYPES == ("float64", "float32")
    assert not hasattr(backprop_widgets, "DTYPES")


def test_a_figure_updated_in_place_keeps_its_first_layout_and_crop():
    """A draw that returns the same Figure each time (it moves its artists) is laid out and
    cropped once: later frames are one drawing pass, the same size, and nothing drawn inside
    the first frame's extent is cut off."""
    from utils.style import new_figure, png_bytes

    fig = new_figure(figsize=(5, 3))
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    ax.set_ylim(0, 5)
    ax.set_title("slope 1.0")

    def draw(a):
        line.set_ydata([0, a])
        ax.set_title(f"slope {a:.1f}")
        return fig

    w = FigureWidget(draw, {"a": widgets.FloatSlider(value=1.0, min=0, max=5)})
    first = w.frame_size  # the first frame is laid out and cropped as any figure
    assert type(fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    passes = []
    fig.canvas.mpl_connect("draw_event", passes.append)
    for a in (0.5, 4.5, 3.0):
        passes.clear()
        w.set(a=a)
        assert len(passes) == 1  # one drawing pass: no layout engine lays the figure out again
        assert w.frame_size == first
    assert fig.get_layout_engine() is None  # frozen where the first frame put the axes
    tight = png_bytes(fig)  # measured afresh: the kept crop holds all of it, with a margin
    width, height = int.from_bytes(tight[16:20], "big"), int.from_bytes(tight[20:24], "big")
    assert 0 <= first[0] - width <= 20 and 0 <= first[1] - height <= 20


def test_a_new_figure_each_time_is_laid_out_and_cropped_afresh():
    from utils.style import new_figure

    def draw(a):
        fig = new_figure(figsize=(4, 3))
        fig.add_subplot().set_title("x" * int(10 * a))  # the title grows with a
        return fig

    w = FigureWidget(draw, {"a": widgets.FloatSlider(value=1.0, min=0, max=5)})
    narrow = w.frame_size
    w.set(a=5.0)
    assert type(w.figure.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    assert w.frame_size[0] > narrow[0]  # measured again: the long title is not cut off


def test_control_looks_keeps_descriptions_whole_and_sliders_long():
    import ipywidgets as widgets

    from utils.ui.figure_widget import control_looks

    slider = widgets.IntSlider(description="examples m", **control_looks("400px"))
    assert slider.style.description_width == "initial"
    assert slider.layout.width == "400px"
    assert "layout" not in control_looks()  # a dropdown keeps its natural width


def test_a_figure_shown_again_keeps_the_layout_and_crop_of_its_first_frame():
    """A draw that keeps one figure per view (and returns it again) is laid out and cropped
    once per figure: switching back to it unchanged draws nothing; changed, it is one drawing
    pass, at that figure's first size."""
    from utils.style import new_figure

    figures = {}

    def draw(view):
        if view not in figures:
            fig = figures[view] = new_figure(figsize=(4, 3) if view == "small" else (7, 4))
            fig.add_subplot().plot([0, 1], [0, 1])
        return figures[view]

    w = FigureWidget(draw, {"view": widgets.Dropdown(options=["small", "large"])})
    small = w.frame_size
    w.set(view="large")
    large = w.frame_size
    assert large[0] > small[0]
    passes = []
    for fig in figures.values():
        fig.canvas.mpl_connect("draw_event", passes.append)
    for view, size in (("small", small), ("large", large), ("small", small)):
        passes.clear()
        w.set(view=view)
        assert w.figure is figures[view] and w.frame_size == size
        assert not passes  # unchanged since it was last shown: its PNG is shown again
    figures["small"].axes[0].set_title("changed")  # a change marks the figure stale
    w.set(view="large")
    passes.clear()
    w.set(view="small")
    assert len(passes) == 1 and w.frame_size == small  # drawn again, in its first crop


def test_a_control_that_changes_only_the_message_reuses_the_picture():
    """A draw that returns its figure unchanged (only the message moved) costs no drawing; one
    that changes an artist through matplotlib's setters is drawn again, showing the change."""
    from utils.style import new_figure

    fig = new_figure(figsize=(4, 3))
    (line,) = fig.add_subplot().plot([0, 1], [0, 1])

    def draw(slope, note):
        if tuple(line.get_ydata()) != (0, slope):
            line.set_ydata([0, slope])
        return fig, f"{note}: {slope}"

    w = FigureWidget(
        draw,
        {
            "slope": widgets.IntSlider(value=1, min=0, max=3),
            "note": widgets.Dropdown(options=["a", "b"]),
        },
    )
    passes = []
    fig.canvas.mpl_connect("draw_event", passes.append)
    before = w.output.outputs[0]["data"]["image/png"]
    w.set(note="b")
    assert not passes and w.message == "b: 1"
    assert w.output.outputs[0]["data"]["image/png"] == before
    w.set(slope=3)
    assert len(passes) == 1 and w.output.outputs[0]["data"]["image/png"] != before


def test_a_blitted_widget_keeps_every_artist_inside_its_figure():
    """Blitting draws on the figure's own canvas: a legend below the axes would vanish from
    every frame, so FigureWidget says so instead of showing a figure without it."""
    from utils.style import new_figure

    def draw(below, a):
        fig = new_figure(figsize=(4, 3), layout=None)
        fig.subplots_adjust(bottom=0.3)
        (line,) = fig.add_subplot().plot([0, 1], [0, a], label="line")
        fig.legend(loc="upper center" if below else "lower center", bbox_to_anchor=(0.5, 0.0))
        return fig

    controls = {"a": widgets.FloatSlider(value=1.0, min=0, max=5)}
    moving = lambda fig: fig.axes[0].lines  # noqa: E731
    with pytest.raises(ValueError, match="inside its figure"):
        FigureWidget(lambda a: draw(True, a), controls, moving=moving)
    w = FigureWidget(lambda a: draw(False, a), controls, moving=moving)
    assert w.set(a=2.0).axes[0].lines[0].get_ydata()[1] == 2.0


@pytest.mark.slow
def test_every_widget_of_the_course_shows_exactly_the_figure_it_holds(monkeypatch):
    """Moving every control of every widget (as ``benchmarks/widgets.py`` does), the picture
    shown is always the figure as it is now: a kept PNG is never shown for a changed figure."""
    import ipywidgets as widgets

    from autograder.course import assignments
    from benchmarks.widgets import positions, widgets_of
    from utils.ui.blit import Blitter
    from utils.ui.figure_widget import figure_png

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("COURSE_STATIC_FIGURES", raising=False)
    moves, kept, blitted, seen = 0, 0, 0, set()
    for name in assignments():
        for w in widgets_of(name):
            seen.add(name)
            for key, control in w.controls.items():
                for value in positions(control):
                    if isinstance(control, widgets.IntSlider):
                        value = round(value)
                    before = w.output.outputs[0]["data"]["image/png"]
                    w.set(**{key: value})
                    shown = w.output.outputs[0]["data"]["image/png"]
                    moves, kept = moves + 1, kept + (shown == before)
                    how = w._shown[w.figure][0]  # a crop, or a Blitter
                    if isinstance(how, Blitter):  # the same frame with its still part redrawn
                        blitted += 1
                        again = Blitter(w.figure, how.moving, how.crop).frame()
                        fresh = base64.b64encode(again).decode("ascii")
                    else:
                        fresh = figure_png(w.figure, crop=how)
                    assert shown == fresh, f"{name}: {w.title}, {key} = {value!r}"
    assert len(seen) == len(assignments()) and moves > 200
    assert kept > 0  # some moves change only the message (lesson 01's epochs)
    assert blitted > 0  # and some widgets draw only their moving artists
