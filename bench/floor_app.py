"""The framework floor: the smallest Typer app that prints what ``factcli who`` prints.

    python bench/floor_app.py ANSWER.json QUERY [--format json|table]

One command, no fact base, no matching: it reads the JSON answer factcli gave (saved by
bench/run.py) and prints it again, as JSON or as a Rich table. Whatever factcli spends above
this is its own; below it nothing built on this Typer version can go.
"""

import json
from pathlib import Path

import typer

app = typer.Typer()  # the defaults, as a minimal app has them


@app.command()
def who(answer: Path, query: str, format: str = typer.Option("json", "--format", "-f")) -> None:
    rows = json.loads(answer.read_text(encoding="utf-8"))
    if format == "json":
        print(json.dumps(rows))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=query)
    for column in ("date", "claim", "source: quote"):
        table.add_column(column, overflow="fold")
    for row in rows[:1]:
        for claim in row["claims"]:
            cites = "; ".join(f'{c["source"]}: "{c["quote"]}"' for c in claim["citations"])
            table.add_row(claim["date"] or "", claim["text"], cites)
    Console(markup=False, highlight=False).print(table)


if __name__ == "__main__":
    app()
