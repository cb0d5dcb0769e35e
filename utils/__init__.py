"""The course library for *How neural networks are trained* (MLS Course 2, Week 2).

Small modules, one job each:

- ``utils.data``: the bundled handwritten digits (checksum-verified) and the fixed split
- ``utils.synthetic``: seeded toy data sets (blobs, multi-label, wavy regression, EKG)
- ``utils.nn``: numpy reference implementations (activations, losses, softmax,
  dense network with backprop, gradient descent, Adam, a digits trainer)
- ``utils.autodiff``: a tiny scalar autodiff engine for the backprop lesson
- ``utils.plotting``: the course's figures, in one colour-blind-safe style

Importing ``utils`` is cheap: TensorFlow and matplotlib load only when a
module that needs them is imported.
"""
from utils import quiet_tf as _quiet_tf

_quiet_tf.install()

__version__ = "0.1.0"
