class RuleViolation(Exception):
    """A business rule refused an action. `messages` are user-facing and already translated.

    `field_errors` optionally maps a form field (or criterion code) to messages, so a view can
    show each where it belongs.
    """

    def __init__(self, *messages: str, field_errors: dict[str, list[str]] | None = None):
        self.messages = [str(m) for m in messages]
        self.field_errors = field_errors or {}
        super().__init__("; ".join(self.messages))
