"""Step 1 of a step-up task: the signed-in client types user name and password again.

The try goes through the sign-in's own first factor (`services.check_password`:
throttling, lock, audit), and must name the account that is signed in; any
other account gets the same "not correct" answer as a wrong password.
"""

from django.http import HttpRequest

from . import feedback, services, session_state


def confirm_task_password(
    request: HttpRequest, username: str, password: str
) -> feedback.Problem | None:
    """None when the credentials are the signed-in client's (the task moves on), else the
    problem."""
    result = services.check_password(request, username, password)
    if result.problem is not None:
        return result.problem
    if result.user is None or result.user.pk != request.user.pk:
        return feedback.problem(feedback.BAD_CREDENTIALS)
    session_state.confirm_task_password(request.session)
    return None
