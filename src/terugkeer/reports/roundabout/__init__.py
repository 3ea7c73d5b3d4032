"""The return roundabout as the agency draws it ("Het terugkeerproces in beeld"): the figures
of a period (`model`), read from the store (`query`), drawn as the product's own SVG (`drawing`,
a pure function) with a text alternative of the same numbers (`text`), in Dutch and English
(`words`)."""
