"""Load benchmark: 10x the province centre's peak hour against one real server (see docs/simulation.md)."""

from __future__ import annotations

import argparse
import json

from simulation.load import run_load
from simulation.scenario import load_scenario


def main() -> None:
    """Run the load and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--multiplier", type=float, default=10.0)
    args = parser.parse_args()
    result = run_load(load_scenario("province"), multiplier=args.multiplier, duration_s=args.seconds)
    print(json.dumps(result.as_dict(), indent=2))


if __name__ == "__main__":
    main()
