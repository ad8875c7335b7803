"""``python -m pixie_store``: the Procfile's ``store`` process."""

from __future__ import annotations

from pixie_store.service import serve
from shared.service import run_service


def main() -> None:
    run_service("store", serve)


if __name__ == "__main__":
    main()
