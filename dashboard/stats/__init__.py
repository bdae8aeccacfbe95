"""Statistics as pure functions of numbers and DataFrames, each tested against published values."""
