"""Run every benchmarks/*.py module's main(), one after another (`make bench`)."""

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path


def main() -> int:
    failed = 0
    for module in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
        if module.startswith("_"):
            continue
        print(f"\n=== benchmarks.{module} ===", flush=True)
        try:
            importlib.import_module(f"benchmarks.{module}").main()
        except Exception:
            traceback.print_exc()
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
