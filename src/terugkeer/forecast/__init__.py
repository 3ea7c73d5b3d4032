"""Forecasts of the key figures from the store's current caseload, on aggregate flows only."""
