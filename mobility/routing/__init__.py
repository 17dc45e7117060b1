"""Routing: per-vehicle-class feasibility, alternative routes and march timing."""
