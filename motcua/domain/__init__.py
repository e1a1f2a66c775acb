"""Pure domain logic two or more deployables need: KPI maths and Vietnamese text (no I/O, the clock passed in)."""

__all__ = ["kpis", "vntext"]
