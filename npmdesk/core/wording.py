"""Counts in sentences: "1 coding", "2 codings" — one rule for the CLI, the window and reports."""


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
