"""The bundled example plans, installed as `trainweek.examples` so `trainweek example` finds them."""
