r"""Where the windows of a 1-D convolution fall, as Keras's ``Conv1D(padding='valid')`` places them.

A ``Conv1D(filters, kernel_size, strides=stride)`` layer slides a window of ``kernel_size``
samples along a signal of ``n`` samples, ``stride`` samples at a time, and keeps only the
windows that fit entirely inside it:

* :func:`conv1d_output_length` -- how many windows fit, $\lfloor (n - k) / s \rfloor + 1$;
* :func:`conv1d_windows` -- each window's ``(first, last + 1)`` sample indices.

A kernel longer than the signal fits nowhere; Keras refuses to build such a layer, and so
do these functions.
"""

from __future__ import annotations

from utils.validation import check_positive


def conv1d_output_length(n: int, kernel_size: int, stride: int = 1) -> int:
    r"""How many windows of ``kernel_size`` samples, ``stride`` apart, fit inside ``n`` samples.

    $\lfloor (n - k) / s \rfloor + 1$: the first window starts at sample 0, and each of the
    $\lfloor (n - k) / s \rfloor$ moves that still leave room for it adds one more.

    >>> conv1d_output_length(100, 20, 10)
    9
    """
    for value, name in ((n, "n"), (kernel_size, "kernel_size"), (stride, "stride")):
        check_positive(value, name, integer=True)
    if kernel_size > n:
        raise ValueError(
            f"kernel_size ({kernel_size}) is longer than the signal ({n} samples): no window fits"
        )
    return (n - kernel_size) // stride + 1


def conv1d_windows(n: int, kernel_size: int, stride: int = 1) -> list[tuple[int, int]]:
    """The ``(first, last + 1)`` sample indices of each window that fits inside ``n`` samples.

    >>> conv1d_windows(9, 5, 2)
    [(0, 5), (2, 7), (4, 9)]
    """
    count = conv1d_output_length(n, kernel_size, stride)
    return [(i * stride, i * stride + kernel_size) for i in range(count)]
