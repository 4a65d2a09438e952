"""Community health figures (computed from the records the features keep), their charts, the
HTML report and the CSV export. Used by the insights cog and by `python -m bot insights`."""
