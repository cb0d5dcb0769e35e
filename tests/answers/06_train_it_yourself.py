"""Answers of lesson 06 (train it yourself): the forward pass, the backward pass, one Adam step
over a dict of parameters, and the training loop.

``train`` calls the other three answers, so ``test_train`` uses every answer (``ALSO``); its
check and hidden tests run ``train`` with the course's forward, backward and Adam in their place
(``with_stand_ins``), so a wrong forward, backward or Adam step costs its own exercise only:
every answer of the first three cells gets ``test_train``'s full 2 points.
"""

from tests.answers import maker

LESSON = "06_train_it_yourself"
LOCKED = ()
OWN = {
    "forward": ("test_forward",),
    "backward": ("test_backward",),
    "adam_step": ("test_adam_step",),
    "train": ("test_train",),
}
ALSO = {
    "forward": ("test_train",),
    "backward": ("test_train",),
    "adam_step": ("test_train",),
    "train": (),
}

_forward = maker("forward", "test_forward", "test_train")
_backward = maker("backward", "test_backward", "test_train")
_adam = maker("adam_step", "test_adam_step", "test_train")
train = maker("train", "test_train")


def forward(name, code, points, **kw):
    return _forward(name, code, {"test_forward": points, "test_train": 2}, **kw)


def backward(name, code, points, **kw):
    return _backward(name, code, {"test_backward": points, "test_train": 2}, **kw)


def adam(name, code, points, **kw):
    return _adam(name, code, {"test_adam_step": points, "test_train": 2}, **kw)


def indented(body: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in body.strip().splitlines())


FORWARD = """
def forward(params, X):
    cache = {{"A0": X}}
{body}
    return cache["Z3"], cache
"""
BACKWARD = """
def backward(params, cache, y):
    m = y.shape[0]
    grads = {{}}
{body}
    return grads
"""
ADAM = """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    new_params, m, v = {{}}, {{}}, {{}}
    for name in params:
        g = grads[name]
{body}
    return new_params, {{"t": t, "m": m, "v": v}}
"""
TRAIN = """
def train(params, X, y, epochs, batch_size=32, lr=1e-3, seed=0):
    rng = np.random.default_rng(seed)
    state = adam_state(params)
    m = X.shape[0]
    losses = []
    for epoch in range(epochs):
{body}
    return params, losses
"""


def f_code(body):
    return FORWARD.format(body=indented(body, 4))


def b_code(body):
    return BACKWARD.format(body=indented(body, 4))


def a_code(body):
    return ADAM.format(body=indented(body, 8))


def t_code(body):
    return TRAIN.format(body=indented(body, 8))


LAYERS = """
cache["Z1"] = X @ params["W1"] + params["b1"]
cache["A1"] = {relu1}
cache["Z2"] = cache["A1"] @ params["W2"] + params["b2"]
cache["A2"] = {relu2}
cache["Z3"] = {out}
"""


def layers(relu1='np.maximum(cache["Z1"], 0)', relu2='np.maximum(cache["Z2"], 0)', out=None):
    out = out or 'cache["A2"] @ params["W3"] + params["b3"]'
    return f_code(LAYERS.format(relu1=relu1, relu2=relu2, out=out))


DZ3 = """
dZ = softmax(cache["Z3"])
dZ[np.arange(m), y] -= 1
dZ = dZ / m
"""
LOOP = """
for k in (3, 2, 1):
    grads[f"W{k}"] = cache[f"A{k - 1}"].T @ dZ
    grads[f"b{k}"] = dZ.sum(axis=0)
    if k > 1:
        dZ = (dZ @ params[f"W{k}"].T) * (cache[f"Z{k - 1}"] > 0)
"""
MOMENTS = """
m[name] = beta1 * state["m"][name] + (1 - beta1) * g
v[name] = beta2 * state["v"][name] + (1 - beta2) * g**2
"""
EPOCH = """
order = {order}
total, sizes, batch_losses = 0.0, [], []
for start in range(0, {stop}, batch_size):
    batch = order[start:start + batch_size]
    logits, cache = forward(params, X[batch])
    batch_losses.append(mean_loss(logits, y[batch]))
    sizes.append(len(batch))
    params, {state} = adam_step(params, backward(params, cache, y[batch]), {state}, lr)
losses.append({loss})
"""


def epoch(order="rng.permutation(m)", stop="m", state="state", loss=None, before=""):
    loss = loss or "float(np.dot(batch_losses, sizes)) / m"
    body = EPOCH.format(order=order, stop=stop, state=state, loss=loss)
    return t_code(before + body)


ANSWERS = [
    # --- forward --------------------------------------------------------------------------------
    forward(
        "softmax_output",
        layers(out='softmax(cache["A2"] @ params["W3"] + params["b3"])'),
        0,
        message="your logits are probabilities",
    ),
    forward(
        "relu_output",
        layers(out='np.maximum(cache["A2"] @ params["W3"] + params["b3"], 0)'),
        0,
        message="your logits have no negative values",
    ),
    forward(
        "no_biases",
        f_code("""
cache["Z1"] = X @ params["W1"]
cache["A1"] = np.maximum(cache["Z1"], 0)
cache["Z2"] = cache["A1"] @ params["W2"]
cache["A2"] = np.maximum(cache["Z2"], 0)
cache["Z3"] = cache["A2"] @ params["W3"]
"""),
        0,
        message="without its biases",
    ),
    forward(
        "caches_z_as_a",
        f_code("""
cache["Z1"] = X @ params["W1"] + params["b1"]
cache["A1"] = cache["Z1"]
A1 = np.maximum(cache["Z1"], 0)
cache["Z2"] = A1 @ params["W2"] + params["b2"]
cache["A2"] = np.maximum(cache["Z2"], 0)
cache["Z3"] = cache["A2"] @ params["W3"] + params["b3"]
"""),
        0,
        message="holds Z, not the activation",
    ),
    forward(
        "a_loop",
        f_code("""
A = X
for k in (1, 2, 3):
    cache[f"Z{k}"] = A @ params[f"W{k}"] + params[f"b{k}"]
    if k < 3:
        A = cache[f"A{k}"] = np.maximum(cache[f"Z{k}"], 0)
"""),
        1,
    ),
    forward(
        "where_relu",
        layers(
            relu1='np.where(cache["Z1"] > 0, cache["Z1"], 0.0)',
            relu2='cache["Z2"] * (cache["Z2"] > 0)',
        ),
        1,
    ),
    forward(
        "extra_keys",
        f_code("""
for k, (W, b) in enumerate([(params["W1"], params["b1"]), (params["W2"], params["b2"])], 1):
    cache[f"Z{k}"] = cache[f"A{k - 1}"] @ W + b
    cache[f"A{k}"] = np.clip(cache[f"Z{k}"], 0, None)
cache["Z3"] = np.dot(cache["A2"], params["W3"]) + params["b3"]
cache["logits"] = cache["Z3"]
"""),
        1,
    ),
    # --- backward -------------------------------------------------------------------------------
    backward(
        "no_mean",
        b_code(
            """
dZ = softmax(cache["Z3"])
dZ[np.arange(m), y] -= 1
"""
            + LOOP
        ),
        0,
        message="times too large",
    ),
    backward(
        "sign_flipped",
        b_code(
            """
dZ = -softmax(cache["Z3"])
dZ[np.arange(m), y] += 1
dZ = dZ / m
"""
            + LOOP
        ),
        0,
        message="has the wrong sign",
    ),
    backward(
        "no_relu_derivative",
        b_code(
            DZ3
            + """
for k in (3, 2, 1):
    grads[f"W{k}"] = cache[f"A{k - 1}"].T @ dZ
    grads[f"b{k}"] = dZ.sum(axis=0)
    if k > 1:
        dZ = dZ @ params[f"W{k}"].T
"""
        ),
        0,
        message="dJ/dW2 is the first wrong gradient",
    ),
    backward(
        "db_not_summed",
        b_code(
            DZ3
            + """
for k in (3, 2, 1):
    grads[f"W{k}"] = cache[f"A{k - 1}"].T @ dZ
    grads[f"b{k}"] = dZ
    if k > 1:
        dZ = (dZ @ params[f"W{k}"].T) * (cache[f"Z{k - 1}"] > 0)
"""
        ),
        0,
        message="should have shape",
    ),
    backward(
        "one_hot_matrix",
        b_code(
            """
Y = np.eye(cache["Z3"].shape[1])[y]
dZ = (softmax(cache["Z3"]) - Y) / m
"""
            + LOOP
        ),
        2,
    ),
    backward(
        "unrolled",
        b_code(
            DZ3
            + """
grads["W3"] = cache["A2"].T @ dZ
grads["b3"] = np.sum(dZ, axis=0)
dZ2 = dZ @ params["W3"].T * (cache["A2"] > 0)
grads["W2"] = cache["A1"].T @ dZ2
grads["b2"] = np.sum(dZ2, axis=0)
dZ1 = dZ2 @ params["W2"].T * np.heaviside(cache["Z1"], 0)
grads["W1"] = cache["A0"].T @ dZ1
grads["b1"] = np.sum(dZ1, axis=0)
"""
        ),
        2,
    ),
    backward(
        "log_softmax_exp",
        b_code(
            """
Z = cache["Z3"] - cache["Z3"].max(axis=1, keepdims=True)
P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
P[np.arange(m), y] -= 1.0
dZ = P / m
"""
            + LOOP
        ),
        2,
    ),
    # --- adam_step ------------------------------------------------------------------------------
    adam(
        "textbook_form",
        a_code(
            MOMENTS
            + """
m_hat = m[name] / (1 - beta1**t)
v_hat = v[name] / (1 - beta2**t)
new_params[name] = params[name] - lr * m_hat / (np.sqrt(v_hat) + eps)
"""
        ),
        0,
        message="textbook form of lesson 04",
    ),
    adam(
        "no_bias_correction",
        a_code(
            MOMENTS
            + """
new_params[name] = params[name] - lr * m[name] / (np.sqrt(v[name]) + eps)
"""
        ),
        0,
        message="without the bias correction",
    ),
    adam(
        "forgets_old_moments",
        a_code("""
m[name] = (1 - beta1) * g
v[name] = (1 - beta2) * g**2
alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
new_params[name] = params[name] - alpha_t * m[name] / (np.sqrt(v[name]) + eps)
"""),
        0,
        message="the first step is right",
    ),
    adam(
        "params_not_updated",
        a_code(
            MOMENTS
            + """
alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
new_params[name] = params[name]
params[name] = params[name] - alpha_t * m[name] / (np.sqrt(v[name]) + eps)
"""
        ),
        0,
        message="are the ones you were given",
    ),
    adam(
        "keras_update_form",
        a_code("""
m[name] = state["m"][name] + (1 - beta1) * (g - state["m"][name])
v[name] = state["v"][name] + (1 - beta2) * (g * g - state["v"][name])
alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
new_params[name] = params[name] - alpha_t * m[name] / (np.sqrt(v[name]) + eps)
"""),
        1,
    ),
    adam(
        "textbook_with_keras_eps",
        a_code(
            MOMENTS
            + """
m_hat = m[name] / (1 - beta1**t)
v_hat = v[name] / (1 - beta2**t)
eps_hat = eps / np.sqrt(1 - beta2**t)
new_params[name] = params[name] - lr * m_hat / (np.sqrt(v_hat) + eps_hat)
"""
        ),
        1,
    ),
    adam(
        "local_names",
        a_code("""
m_new = beta1 * state["m"][name] + (1 - beta1) * g
v_new = beta2 * state["v"][name] + (1 - beta2) * np.square(g)
step = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m_new / (np.sqrt(v_new) + eps)
m[name], v[name], new_params[name] = m_new, v_new, params[name] - step
"""),
        1,
    ),
    # --- train ----------------------------------------------------------------------------------
    train("never_shuffled", epoch(order="np.arange(m)"), 0, message="never shuffled"),
    train(
        "shuffled_once",
        epoch(
            order="first_order",
            before="first_order = first_order if epoch else rng.permutation(m)\n",
        ),
        0,
        message="in the same order",
    ),
    train(
        "drops_last_batch",
        epoch(stop="m - batch_size + 1"),
        0,
        message="last, smaller batch is missing",
    ),
    train(
        "mean_of_batch_means",
        epoch(loss="float(np.mean(batch_losses))"),
        0,
        message="mean of the batch means",
    ),
    train(
        "adam_restarts",
        epoch(state="state", before="state = adam_state(params)\n"),
        0,
        message="Adam starts again every epoch",
    ),
    train(
        "sum_then_divide",
        t_code("""
order = rng.permutation(m)
total = 0.0
for start in range(0, m, batch_size):
    batch = order[start:start + batch_size]
    logits, cache = forward(params, X[batch])
    total += mean_loss(logits, y[batch]) * len(batch)
    params, state = adam_step(params, backward(params, cache, y[batch]), state, lr)
losses.append(total / m)
"""),
        2,
    ),
    train(
        "shuffled_copies",
        t_code("""
order = rng.permutation(m)
X_epoch, y_epoch = X[order], y[order]
total = 0.0
start = 0
while start < m:
    Xb, yb = X_epoch[start:start + batch_size], y_epoch[start:start + batch_size]
    logits, cache = forward(params, Xb)
    total += len(yb) * mean_loss(logits, yb)
    grads = backward(params, cache, yb)
    params, state = adam_step(params, grads, state, lr=lr)
    start += batch_size
losses.append(total / m)
"""),
        2,
    ),
    train("weighted_average", epoch(loss="float(np.average(batch_losses, weights=sizes))"), 2),
]

UNFAIR = []
DISAGREE = []
