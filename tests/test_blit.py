"""utils.ui.blit: frames that draw only the moving artists look like a full savefig render."""

import io

import numpy as np
from PIL import Image

from utils.style import new_figure, png_bytes
from utils.ui.blit import Blitter, snapped


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


def figure_with_a_moving_bar():
    fig = new_figure(figsize=(4, 3), layout=None)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="black")
    (bar,) = ax.bar([0.5], [0.2], width=0.3, zorder=3)  # a moving artist above the rest
    title = ax.set_title("height 0.2")
    fig.draw_without_rendering()
    return fig, ax, bar, title, snapped(fig.get_tightbbox().padded(0.1))


def test_a_frame_is_the_figure_as_savefig_draws_it():
    fig, _, bar, title, crop = figure_with_a_moving_bar()
    blitter = Blitter(fig, [bar, title], crop)
    for height in (0.2, 0.9, 0.5):
        bar.set_height(height)
        title.set_text(f"height {height}")
        frame = pixels(blitter.frame())
        full = pixels(png_bytes(fig, crop=crop))
        assert np.array_equal(frame, full)  # the same pixels (a crop on whole pixels)


def test_a_change_outside_the_moving_artists_redraws_the_still_part():
    fig, ax, bar, title, crop = figure_with_a_moving_bar()
    blitter = Blitter(fig, [bar, title], crop)
    before = blitter.frame()
    assert not blitter.changed
    bar.set_height(0.7)
    assert blitter.changed  # a moving artist was set
    moved = blitter.frame()
    assert moved != before and blitter.backgrounds == 1
    ax.lines[0].set_color("red")  # not a moving artist: the figure is stale
    assert blitter.changed
    red = pixels(blitter.frame())
    assert blitter.backgrounds == 2
    assert (np.abs(red[:, :, :3] - [255, 0, 0]).sum(axis=2) < 60).any()


def test_a_legend_text_changed_redraws_the_still_part():
    """matplotlib does not pass a change up from a legend's texts: the Blitter must see it."""
    fig, ax, bar, title, crop = figure_with_a_moving_bar()
    legend = ax.legend(handles=ax.lines, labels=["line"], loc="upper left")
    blitter = Blitter(fig, [bar, title], crop)
    blitter.frame()
    legend.get_texts()[0].set_text("a much longer label")
    assert blitter.changed
    frame = pixels(blitter.frame())
    assert blitter.backgrounds == 2
    assert np.array_equal(frame, pixels(png_bytes(fig, crop=crop)))


def test_the_moving_artists_changes_still_draw_only_them():
    fig, ax, bar, title, crop = figure_with_a_moving_bar()
    blitter = Blitter(fig, [ax], crop)  # a whole Axes may move: its ticks and texts with it
    blitter.frame()
    ax.set_xlim(0, 2)
    title.set_text("wider")
    frame = pixels(blitter.frame())
    assert blitter.backgrounds == 1
    whole = pixels(png_bytes(fig, crop=crop))  # savefig still draws the moving Axes
    assert np.array_equal(frame, whole)
    assert np.array_equal(pixels(blitter.frame()), whole)  # and leaves nothing behind
