"""The allocation optimiser: pure rules (CP-SAT), no database."""
