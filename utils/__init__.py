"""The course library for *How neural networks are trained* (MLS Course 2, Week 2).

Small modules, one job each:

- ``utils.data``: the bundled handwritten digits (checksum-verified) and the fixed split
- ``utils.synthetic``: seeded toy data sets (blobs, multi-label, wavy regression, EKG)
- ``utils.nn``: numpy reference implementations (activations, losses, softmax,
  dense network with backprop, gradient descent, Adam, a digits trainer)
- ``utils.autodiff``: a tiny scalar autodiff engine (``engine``) and its graph drawn (``graph``)
- ``utils.style``: the palette, the rcParams and the one way to make a course figure
- ``utils.plotting``: the course's figures, in that colour-blind-safe style
- ``utils.ui``: the figure widget and the quiz widget every lesson uses
- ``utils.quiet_tf``: keeps TensorFlow's start-up chatter out of notebooks (a ``.pth``
  start-up hook installed by ``make`` and ``binder/postBuild`` calls ``install()``)

Importing any ``utils`` module is cheap and changes nothing in the process: no
environment variables, import hooks, rcParams or IPython formatters.  TensorFlow
and matplotlib load only when a module that needs them is imported.
"""

__version__ = "0.1.0"
