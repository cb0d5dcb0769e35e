"""The ten quiz questions of week 2, as in the lecture notes, with feedback for every choice.

Keys are ``<lesson>-<n>``: ``compile``, ``activations``, ``softmax``, ``adam`` (the
backprop section has no quiz in the notes).
"""
from utils.quiz import Choice, Question

QUESTIONS = [
    Question(
        "compile-1",
        "Here is some code that you saw in the lecture: model.compile(loss=BinaryCrossentropy()). "
        "For which type of task would you use the binary cross entropy loss function?",
        [Choice("BinaryCrossentropy() should not be used for any task.", False,
                "It is the standard loss for one kind of task: which one?"),
         Choice("A classification task that has 3 or more classes (categories).", False,
                "Three or more classes need the (sparse) categorical cross-entropy with softmax."),
         Choice("Binary classification (classification with exactly 2 classes).", True,
                "Yes: it is the logistic loss -y log(p) - (1-y) log(1-p) for a label y in {0, 1}."),
         Choice("Regression tasks (tasks that predict a number).", False,
                "Regression predicts an unbounded number; use the mean squared error there.")],
        "Binary cross-entropy compares one predicted probability with a 0/1 label."),
    Question(
        "compile-2",
        "Which line of code updates the network parameters in order to reduce the cost? "
        "(model = Sequential([...]); model.compile(loss=BinaryCrossentropy()); model.fit(X, y, epochs=100))",
        [Choice("model = Sequential([...])", False, "This only defines the layers and their shapes."),
         Choice("model.compile(loss=BinaryCrossentropy())", False,
                "compile chooses the loss (and optimizer); it does not change any weight."),
         Choice("model.fit(X, y, epochs=100)", True,
                "Yes: fit runs gradient steps (backprop + optimizer) for 100 epochs."),
         Choice("None of the above: this code does not update the parameters.", False,
                "One of these lines trains the network.")],
        "fit is where the gradient-descent loop lives; compile only configures it."),
    Question(
        "activations-1",
        "Which of the following activation functions is the most common choice for the hidden "
        "layers of a neural network?",
        [Choice("Most hidden layers do not use any activation function.", False,
                "Without activations the whole network collapses to one linear function."),
         Choice("ReLU (rectified linear unit)", True,
                "Yes: cheap, and its slope is 1 wherever it is active, so gradients do not fade."),
         Choice("Sigmoid", False, "Sigmoid is flat on both sides, which slows gradient descent."),
         Choice("Linear", False, "Linear hidden layers add no power: see the linear collapse.")],
        "ReLU is flat on one side only, so gradient descent learns faster than with sigmoid."),
    Question(
        "activations-2",
        "For the task of predicting housing prices, which activation functions could you choose "
        "for the output layer? Choose the 2 options that apply.",
        [Choice("Linear", True, "Yes: a linear output can produce any number."),
         Choice("ReLU", True, "Yes: prices are never negative, and ReLU outputs any value >= 0."),
         Choice("Sigmoid", False, "Sigmoid only outputs values between 0 and 1.")],
        "Choose the output activation by the target's range: y >= 0 suggests ReLU; any number, linear.",
        multiple=True),
    Question(
        "activations-3",
        "A neural network with many layers but no activation function (in the hidden layers) is "
        "not effective; that's why we should instead use the linear activation function in every "
        "hidden layer.",
        [Choice("True", False, "A linear activation is the same as no activation: g(z) = z."),
         Choice("False", True,
                "Right: 'no activation' already is the linear activation, and a stack of linear "
                "layers is still one linear function. Use ReLU in hidden layers.")],
        "Composing linear functions gives a linear function, whatever the depth."),
    Question(
        "softmax-1",
        "For a multiclass classification task that has 4 possible outputs, the sum of all the "
        "activations adds up to 1. For a multiclass classification task that has 3 possible "
        "outputs, the sum of all the activations should add up to ...",
        [Choice("It will vary, depending on the input x.", False,
                "The softmax divides by the sum, so the total never depends on x."),
         Choice("Less than 1.", False, "The outputs are probabilities of all the classes together."),
         Choice("More than 1.", False, "Probabilities of exclusive classes cannot sum above 1."),
         Choice("1.", True, "Yes: softmax outputs always sum to 1, for any number of classes.")],
        "a_j = e^{z_j} / sum_k e^{z_k}: the denominator makes them sum to one."),
    Question(
        "softmax-2",
        "For multiclass classification, the cross entropy loss is used for training the model. If "
        "there are 4 possible classes for the output, and for a particular training example, the "
        "true class of the example is class 3 (y=3), then what does the cross entropy loss "
        "simplify to? (Hint: this loss should get smaller when a_3 gets larger.)",
        [Choice("(-log(a1) - log(a2) - log(a3) - log(a4)) / 4", False,
                "Only the true class's probability enters the loss."),
         Choice("-log(a3)", True, "Yes: the loss is -log of the probability given to the true class."),
         Choice("z3 / (z1 + z2 + z3 + z4)", False, "That is neither a probability nor a loss."),
         Choice("z3", False, "The loss uses the probability a3, not the logit z3.")],
        "Sparse categorical cross-entropy: L = -log a_y."),
    Question(
        "softmax-3",
        "For multiclass classification, the recommended way to implement softmax regression is to "
        "set from_logits=True in the loss function, and also to define the model's output layer "
        "with ...",
        [Choice("a 'linear' activation", True,
                "Yes: the layer outputs logits z, and the loss applies softmax internally, stably."),
         Choice("a 'softmax' activation", False,
                "Then the loss would apply softmax a second time to what are already probabilities.")],
        "from_logits=True means: the model's outputs are logits, so the output layer must be linear."),
    Question(
        "adam-1",
        "The Adam optimizer is the recommended optimizer for finding the optimal parameters of the "
        "model. How do you use the Adam optimizer in TensorFlow?",
        [Choice("The Adam optimizer works only with Softmax outputs. So if a neural network has a "
                "Softmax output layer, TensorFlow will automatically pick the Adam optimizer.", False,
                "Adam works with any loss and output, and TensorFlow never picks it for you."),
         Choice("The call to model.compile() uses the Adam optimizer by default.", False,
                "Keras's default optimizer is 'rmsprop'; you choose Adam explicitly."),
         Choice("The call to model.compile() will automatically pick the best optimizer, whether it "
                "is gradient descent, Adam or something else. So there's no need to pick an "
                "optimizer manually.", False, "Keras does not search for an optimizer."),
         Choice("When calling model.compile(), set "
                "optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3).", True,
                "Yes: pass the optimizer, with its initial learning rate, to compile.")],
        "compile(optimizer=Adam(learning_rate=1e-3), loss=...)."),
    Question(
        "adam-2",
        "The lecture covered a different layer type where each single neuron of the layer does not "
        "look at all the values of the input vector that is fed into that layer. What is this name "
        "of the layer type discussed in lecture?",
        [Choice("Image layer.", False, "There is no such standard layer type."),
         Choice("Convolutional layer.", True,
                "Yes: each unit looks at a window of its input, like a stretch of an EKG signal."),
         Choice("1D layer or 2D layer (depending on the input dimension).", False,
                "The dimension is a property of a convolution, not a layer type of its own."),
         Choice("A fully connected layer.", False, "A dense layer's units see every input value.")],
        "Convolutional units see only a window: fewer parameters, faster, less overfitting."),
]
