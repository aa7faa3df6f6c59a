class ApiError(Exception):
    """A refusal with its status, its message for the user and, when one is at fault, the field."""

    def __init__(self, status: int, message: str, field: str = "", **details):
        super().__init__(message)
        self.status, self.field, self.details = status, field, details
