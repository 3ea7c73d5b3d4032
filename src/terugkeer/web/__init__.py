"""The web pages of the workplace (server-rendered; FastAPI, Jinja2, the Rijkshuisstijl)."""
