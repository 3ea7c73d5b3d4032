"""The return-process simulator (SimPy): parameters, the model, replications and calibration."""
