"""What operations watch (issue 29): the request id of the work in hand, the Prometheus
metrics and the structured logs. No I/O of its own beyond the log handler; nothing here knows
the web, the store or the services, so every layer may count and log through it."""
