"""Vlissingen lost: the southern corridor's RoRo port and its rail terminal out of use.

The brigade's requests are diverted to Rotterdam; throughput, routes and the
replanned schedule are compared with the baseline.
Run as-is: ``python examples/stress/port_loss.py``.
"""

from _common import run

if __name__ == "__main__":
    run("vlissingen-lost.yaml")
