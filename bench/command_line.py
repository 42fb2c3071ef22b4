"""What the benches' command lines share: the bench's docstring as the help, and a whole-number
option for each size a run may be given."""

import argparse


def sizes(description: str, **defaults: int) -> argparse.Namespace:
    """The command line parsed: `--name N` for each keyword of `defaults` (which gives its value
    when the option is left out)."""
    parser = argparse.ArgumentParser(description=description)
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args()
