"""Exception types of ivp-analysis: every message says where, what was found and what was expected."""

from __future__ import annotations

from pathlib import Path


class IvpError(Exception):
    """Base class of all errors raised on purpose by ivp-analysis."""


class InputFileError(IvpError):
    """An input file cannot be read as any supported format, or holds a bad value.

    Parameters
    ----------
    path : str or Path
        The file (or folder) that was being read.
    problem : str
        What is wrong, in a few words.
    row : int, optional
        Line number in the file (1 = the first line), or the record number for JSON.
    column : str, optional
        Column (or JSON key) holding the bad value.
    found : object, optional
        The value that was found.
    expected : str, optional
        What was expected instead.
    hint : str, optional
        What the user can do next.

    Examples
    --------
    >>> err = InputFileError("x.csv", "negative count", row=3, column="value",
    ...                      found="-2", expected="a count >= 0")
    >>> str(err)
    "x.csv, line 3, column 'value': negative count: found '-2', expected a count >= 0"
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        found: object = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.row = row
        self.column = column
        self.found = found
        self.expected = expected
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        where = [self.path]
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        msg = ", ".join(where) + f": {self.problem}"
        details = []
        if self.found is not None:
            details.append(f"found {self.found!r}")
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if details:
            msg += ": " + ", ".join(details)
        if self.hint:
            msg += f" ({self.hint})"
        return msg


class ParameterError(IvpError):
    """A report parameter is unknown, has the wrong type or an invalid value."""


class CatalogueError(IvpError):
    """The indicator catalogue (or another YAML data file) has a bad entry."""


class ReportError(IvpError):
    """A report run failed; the message names the notebook and where its copy was kept."""


class VerificationError(IvpError):
    """A report does not follow from its inputs (``ivp verify``)."""


class RunInterrupted(KeyboardInterrupt):
    """A report run was stopped by a signal (SIGTERM or SIGINT); nothing was published.

    A subclass of :class:`KeyboardInterrupt`, so code that catches ``Exception`` (a batch that
    goes on with the next municipality) does not swallow it.

    Examples
    --------
    >>> import signal
    >>> err = RunInterrupted(signal.SIGTERM)
    >>> str(err), err.exit_code
    ('stopped by SIGTERM', 143)
    """

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = int(signum)
        super().__init__(f"stopped by {signal.Signals(self.signum).name}")

    @property
    def exit_code(self) -> int:
        """The shell's exit code for a process ended by this signal (128 + its number)."""
        return 128 + self.signum


class BrowserNotFoundError(IvpError):
    """No Chromium was found to print the PDF; the message says how to get one."""
