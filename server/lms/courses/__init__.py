"""Categories and courses: the catalogue every other domain hangs off."""
