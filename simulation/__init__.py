"""A simulated day at a one-stop centre: pure simulation, replay against a real server, staffing, load, faults."""

from simulation.engine import DayResult, simulate
from simulation.scenario import Scenario, load_scenario

__all__ = ["DayResult", "Scenario", "load_scenario", "simulate"]
