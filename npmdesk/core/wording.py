"""Words in messages — one rule for the CLI, the window and reports: counts ("1 coding", "2 codings")
and names or phrases quoted as the user typed them."""


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def quoted(text: str) -> str:
    """A name or phrase in a message as the user typed it: 'we're' reads "we're", not Python's
    repr with its escapes."""
    return f'"{text}"' if "'" in text else f"'{text}'"
