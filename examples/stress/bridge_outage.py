"""Moerdijk bridges down: the A16 road bridge and the railway bridge over the Hollands Diep.

Run as-is: ``python examples/stress/bridge_outage.py`` (about 20 s; writes out/stress/).
"""

from _common import run

if __name__ == "__main__":
    run("moerdijk-bridges.yaml")
