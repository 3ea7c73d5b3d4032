"""One module per published figure (EVENTS.md, "Figures derived from the events")."""
