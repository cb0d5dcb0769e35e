"""The backprop lesson's self-check (the lecture notes have no quiz for this section)."""

from utils.ui.quiz import Choice, Question, QuizSet

SELF_CHECK = [
    Question(
        "backprop-1",
        "A network's forward pass takes about N steps and it has P parameters. About how much "
        "work does it take to get all P partial derivatives of the cost?",
        [
            Choice(
                "Both about N × P: backprop also goes through the network once per parameter.",
                False,
                "Backprop goes through the graph once, right to left; each node's gradient "
                "is shared by all the parameters behind it.",
            ),
            Choice(
                "Backprop: about N + P steps. Nudging each parameter: about N × P steps.",
                True,
                "Yes: one forward and one backward pass reuse every intermediate gradient, while "
                "nudging needs a fresh forward pass for every parameter.",
            ),
            Choice(
                "Backprop: about N × P. Nudging: about N + P.",
                False,
                "The other way round: nudging re-runs the forward pass (N steps) P times.",
            ),
            Choice(
                "Both about N + P; backprop is only more accurate.",
                False,
                "Nudging each of P parameters costs one forward pass each, so about N × P.",
            ),
        ],
        "With a million parameters that is the difference between one pass and a million passes.",
    ),
    Question(
        "backprop-2",
        "Why does the backward pass visit the nodes from the output (right) to the inputs (left)?",
        [
            Choice(
                "Because the inputs' gradients are always zero, so they can be skipped.",
                False,
                "Inputs get gradients too (dJ/dw = 6 in the lecture graph); they are just "
                "computed last.",
            ),
            Choice(
                "Only by convention: left to right would give the same numbers with the same "
                "amount of work.",
                False,
                "Going left to right you would not yet know how J depends on the later nodes; "
                "that is why nudging (or forward mode) costs a pass per input.",
            ),
            Choice(
                "Because a node's gradient dJ/d(node) needs the gradients of the nodes that use "
                "it, and those lie to its right.",
                True,
                "Yes: dJ/da = dJ/dd · ∂d/∂a needs dJ/dd first. Starting at dJ/dJ = 1, every "
                "step has what it needs.",
            ),
            Choice(
                "Because the forward pass already computed the gradients of the left nodes.",
                False,
                "The forward pass computes values only; the local derivatives are "
                "combined into gradients on the way back.",
            ),
        ],
        "The chain rule multiplies local derivatives from J back to each parameter; going right "
        "to left computes each shared product once.",
    ),
]


def self_check() -> QuizSet:
    """This lesson's two self-check questions, displayed like ``quiz()``."""
    return QuizSet(SELF_CHECK)
