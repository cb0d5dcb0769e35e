"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice."""

from utils.ui.quiz import Choice, Question, QuizSet

QUESTIONS = [
    Question(
        "softmax-1",
        "For a multiclass classification task that has 4 possible outputs, the sum of all the "
        "activations adds up to 1. For a multiclass classification task that has 3 possible "
        "outputs, the sum of all the activations should add up to ...",
        [
            Choice(
                "It will vary, depending on the input x.",
                False,
                "The softmax divides by the sum, so the total never depends on x.",
            ),
            Choice(
                "Less than 1.", False, "The outputs are probabilities of all the classes together."
            ),
            Choice("More than 1.", False, "Probabilities of exclusive classes cannot sum above 1."),
            Choice("1.", True, "Yes: softmax outputs always sum to 1, for any number of classes."),
        ],
        "a_j = e^{z_j} / sum_k e^{z_k}: the denominator makes them sum to one.",
    ),
    Question(
        "softmax-2",
        "For multiclass classification, the cross entropy loss is used for training the model. If "
        "there are 4 possible classes for the output, and for a particular training example, the "
        "true class of the example is class 3 (y=3), then what does the cross entropy loss "
        "simplify to? (Hint: this loss should get smaller when a_3 gets larger.)",
        [
            Choice(
                "(-log(a1) - log(a2) - log(a3) - log(a4)) / 4",
                False,
                "Only the true class's probability enters the loss.",
            ),
            Choice(
                "-log(a3)",
                True,
                "Yes: the loss is -log of the probability given to the true class.",
            ),
            Choice("z3 / (z1 + z2 + z3 + z4)", False, "That is neither a probability nor a loss."),
            Choice("z3", False, "The loss uses the probability a3, not the logit z3."),
        ],
        "Sparse categorical cross-entropy: L = -log a_y.",
    ),
    Question(
        "softmax-3",
        "For multiclass classification, the recommended way to implement softmax regression is to "
        "set from_logits=True in the loss function, and also to define the model's output layer "
        "with ...",
        [
            Choice(
                "a 'linear' activation",
                True,
                "Yes: the layer outputs the logits z, and the loss computes -log a_y from them "
                "in one stable formula (log-sum-exp), never forming the tiny probability a_y.",
            ),
            Choice(
                "a 'softmax' activation",
                False,
                "Not recommended: from_logits=True tells the loss that the outputs are logits. "
                "Keras 3 with TensorFlow notices a softmax layer inside fit, warns and uses its "
                "cached logits, so training happens to work; but on probabilities given to the "
                "loss (saved predictions), in float16 or with another backend, the loss applies "
                "softmax a second time.",
            ),
        ],
        "from_logits=True means: the model's outputs are logits, "
        "so the output layer must be linear.",
    ),
]


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(QUESTIONS)
