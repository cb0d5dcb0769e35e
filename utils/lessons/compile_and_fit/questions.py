"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice."""

from utils.ui.quiz import Choice, Question, QuizSet

QUESTIONS = [
    Question(
        "compile-1",
        "Here is some code that you saw in the lecture: model.compile(loss=BinaryCrossentropy()). "
        "For which type of task would you use the binary cross entropy loss function?",
        [
            Choice(
                "BinaryCrossentropy() should not be used for any task.",
                False,
                "It is the standard loss for one kind of task: which one?",
            ),
            Choice(
                "A classification task that has 3 or more classes (categories).",
                False,
                "Three or more classes need the (sparse) categorical cross-entropy with softmax.",
            ),
            Choice(
                "Binary classification (classification with exactly 2 classes).",
                True,
                "Yes: it is the logistic loss -y log(p) - (1-y) log(1-p) for a label y in {0, 1}.",
            ),
            Choice(
                "Regression tasks (tasks that predict a number).",
                False,
                "Regression predicts an unbounded number; use the mean squared error there.",
            ),
        ],
        "Binary cross-entropy compares one predicted probability with a 0/1 label.",
    ),
    Question(
        "compile-2",
        "Which line of code updates the network parameters in order to reduce the cost? "
        "(model = Sequential([...]); model.compile(loss=BinaryCrossentropy()); "
        "model.fit(X, y, epochs=100))",
        [
            Choice(
                "model = Sequential([...])", False, "This only defines the layers and their shapes."
            ),
            Choice(
                "model.compile(loss=BinaryCrossentropy())",
                False,
                "compile chooses the loss (and optimizer); it does not change any weight.",
            ),
            Choice(
                "model.fit(X, y, epochs=100)",
                True,
                "Yes: fit runs gradient steps (backprop + optimizer) for 100 epochs.",
            ),
            Choice(
                "None of the above: this code does not update the parameters.",
                False,
                "One of these lines trains the network.",
            ),
        ],
        "fit is where the gradient-descent loop lives; compile only configures it.",
    ),
]


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(QUESTIONS)
