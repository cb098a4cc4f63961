"""``python -m factcli`` and the ``factcli`` console script.

Importing the CLI (Typer, click) takes tens of milliseconds; a Ctrl-C in that window, or
before the app's own handler is in place, still ends with exit 130 and one line, never a
traceback.
"""

import sys


def main() -> None:
    try:
        from factcli.cli import main as run  # noqa: PLC0415 (lazy: `--version` answers before the CLI is imported)

        run()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("factcli: interrupted\n")
        except (OSError, ValueError):
            pass
        sys.exit(130)


if __name__ == "__main__":
    main()
