"""The one error root of qtgov. The CLI maps these to exit code 2; nothing below it exits."""


class QtgovError(Exception):
    """A problem that stops a command from running at all (exit 2), with an actionable message."""


class UsageError(QtgovError):
    """The command was called wrongly: a bad option value, a missing file, a bad range."""


class RepositoryError(QtgovError):
    """The directory is not an alliance repository qtgov can work on."""


class GitError(QtgovError):
    """Git history is needed but unusable: not a repository, no commits, shallow, refused."""
