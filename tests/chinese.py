"""What the tests of the two languages share: whether a text is Chinese, and its numbers (a
message must carry the same numbers in every language)."""

import re

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def numbers(text) -> list[str]:
    return sorted(NUMBER.findall(text))
