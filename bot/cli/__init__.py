"""Command line: the parser and main() (main), and the kb, insights and health commands."""
