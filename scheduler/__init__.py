"""trainweek: plan a week of running and strength training with CP-SAT."""
