"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice."""

from utils.ui.quiz import Choice, Question, QuizSet

QUESTIONS = [
    Question(
        "adam-1",
        "The Adam optimizer is the recommended optimizer for finding the optimal parameters of the "
        "model. How do you use the Adam optimizer in TensorFlow?",
        [
            Choice(
                "The Adam optimizer works only with Softmax outputs. So if a neural network has a "
                "Softmax output layer, TensorFlow will automatically pick the Adam optimizer.",
                False,
                "Adam works with any loss and output, and TensorFlow never picks it for you.",
            ),
            Choice(
                "The call to model.compile() uses the Adam optimizer by default.",
                False,
                "Keras's default optimizer is 'rmsprop'; you choose Adam explicitly.",
            ),
            Choice(
                "The call to model.compile() will automatically pick the best optimizer, "
                "whether it is gradient descent, Adam or something else. "
                "So there's no need to pick an optimizer manually.",
                False,
                "Keras does not search for an optimizer.",
            ),
            Choice(
                "When calling model.compile(), set "
                "optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3).",
                True,
                "Yes: pass the optimizer, with its initial learning rate, to compile.",
            ),
        ],
        "compile(optimizer=Adam(learning_rate=1e-3), loss=...).",
    ),
    Question(
        "adam-2",
        "The lecture covered a different layer type where each single neuron of the layer does not "
        "look at all the values of the input vector that is fed into that layer. What is this name "
        "of the layer type discussed in lecture?",
        [
            Choice("Image layer.", False, "There is no such standard layer type."),
            Choice(
                "Convolutional layer.",
                True,
                "Yes: each unit looks at a window of its input, like a stretch of an EKG signal.",
            ),
            Choice(
                "1D layer or 2D layer (depending on the input dimension).",
                False,
                "The dimension is a property of a convolution, not a layer type of its own.",
            ),
            Choice(
                "A fully connected layer.", False, "A dense layer's units see every input value."
            ),
        ],
        "Convolutional units see only a window: fewer parameters, faster, less overfitting.",
    ),
]


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(QUESTIONS)
