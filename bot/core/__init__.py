"""Platform-neutral core: nothing below this package imports discord or slack."""
