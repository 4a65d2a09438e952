"""Community health figures (computed from the records the features keep), their charts and
the HTML report. Used by the insights cog and by `python -m bot insights`."""
