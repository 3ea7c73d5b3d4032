"""Use cases: what a person or a partner can ask of terugkeer, as typed functions.

Entry points (the CLI, and the web pages and API to come) parse input, call one of these with the
`System` built once by `terugkeer.bootstrap`, and render the result; they hold no logic.
"""
