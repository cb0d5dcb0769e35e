"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice."""

from utils.ui.quiz import Choice, Question, QuizSet

QUESTIONS = [
    Question(
        "activations-1",
        "Which of the following activation functions is the most common choice for the hidden "
        "layers of a neural network?",
        [
            Choice(
                "Most hidden layers do not use any activation function.",
                False,
                "Without activations the whole network collapses to one linear function.",
            ),
            Choice(
                "ReLU (rectified linear unit)",
                True,
                "Yes: cheap, and its slope is 1 wherever it is active, so gradients do not fade.",
            ),
            Choice(
                "Sigmoid", False, "Sigmoid is flat on both sides, which slows gradient descent."
            ),
            Choice("Linear", False, "Linear hidden layers add no power: see the linear collapse."),
        ],
        "ReLU is flat on one side only, so gradient descent learns faster than with sigmoid.",
    ),
    Question(
        "activations-2",
        "For the task of predicting housing prices, which activation functions could you choose "
        "for the output layer? Choose the 2 options that apply.",
        [
            Choice("Linear", True, "Yes: a linear output can produce any number."),
            Choice(
                "ReLU", True, "Yes: prices are never negative, and ReLU outputs any value >= 0."
            ),
            Choice("Sigmoid", False, "Sigmoid only outputs values between 0 and 1."),
        ],
        "Choose the output activation by the target's range: "
        "y >= 0 suggests ReLU; any number, linear.",
        multiple=True,
    ),
    Question(
        "activations-3",
        "A neural network with many layers but no activation function (in the hidden layers) is "
        "not effective; that's why we should instead use the linear activation function in every "
        "hidden layer.",
        [
            Choice("True", False, "A linear activation is the same as no activation: g(z) = z."),
            Choice(
                "False",
                True,
                "Right: 'no activation' already is the linear activation, and a stack of linear "
                "layers is still one linear function. Use ReLU in hidden layers.",
            ),
        ],
        "Composing linear functions gives a linear function, whatever the depth.",
    ),
]


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(QUESTIONS)
