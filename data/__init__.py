"""The build: reference tables, the demo generator, and writing the DuckDB warehouse."""
