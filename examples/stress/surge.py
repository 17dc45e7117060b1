"""Twice the forces arrive: every request of the brigade scenario doubled.

Run as-is: ``python examples/stress/surge.py``.
"""

from _common import run

if __name__ == "__main__":
    run("surge-x2.yaml")
