"""Scheduling: civilian disruption, the CP-SAT movement model, greedy baseline, validator."""
