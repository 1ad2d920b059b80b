"""OpSpec tables, one module per op family."""
